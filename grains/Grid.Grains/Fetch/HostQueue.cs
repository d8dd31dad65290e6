namespace Grid.Fetch;

/// <summary>The requests of one job waiting for one host, and how many of them run, so that the job keeps to its per-host limit.</summary>
/// <param name="key">The host.</param>
internal sealed class HostQueue(string key)
{
    public string Key { get; } = key;

    public Queue<FetchItem> Waiting { get; } = new();

    public int Running { get; set; }

    /// <summary>Gets or sets whether the host is in the job's queue of hosts that may start a request.</summary>
    public bool Ready { get; set; }
}
