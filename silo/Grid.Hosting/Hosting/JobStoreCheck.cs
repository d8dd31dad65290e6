using Grid.Stored;
using Microsoft.Extensions.Configuration;

namespace Grid.Hosting;

/// <summary>Checks a silo's job store before the silo starts, so that an unreachable server, refused credentials or a schema newer than the silo knows is one line and an exit, not a failed start in the logs.</summary>
public static class JobStoreCheck
{
    /// <summary>Checks the store that <c>Grid:Jobs:Store</c> in <paramref name="configuration"/> names, if any.</summary>
    /// <exception cref="GridException">The store cannot be reached or refused the credentials.</exception>
    /// <exception cref="InvalidOperationException">The store's schema is newer than this silo knows (the message begins <c>Grid:Jobs:Store</c>).</exception>
    public static async Task CheckAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var store = configuration.GetSection(StoredJobOptions.SectionName)[nameof(StoredJobOptions.Store)];
        if (string.IsNullOrWhiteSpace(store))
        {
            return;
        }

        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(store);
        }
        catch (ArgumentException)
        {
            // The options validator names a malformed connection string when the silo starts.
            return;
        }

        await JobStoreSchema.CheckAsync(store, cancellationToken).ConfigureAwait(false);
    }
}
