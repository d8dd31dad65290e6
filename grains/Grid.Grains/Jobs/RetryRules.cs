using Grid.Kernels;

namespace Grid.Jobs;

/// <summary>Applies one job's <see cref="RetryPolicy"/> to item errors: whether an error is worth another attempt, and why.</summary>
/// <remarks>
/// An error names its exception type only by full name. A name listed in the policy matches at once; otherwise both names are looked
/// up among the silo's loaded assemblies, so that a type derived from a listed one matches too. Each name is looked up once per job.
/// </remarks>
internal sealed class RetryRules
{
    private readonly HashSet<string> _listed;
    private readonly Type[] _listedTypes;
    private readonly Dictionary<string, bool> _matches = new(StringComparer.Ordinal);

    public RetryRules(RetryPolicy policy)
    {
        Policy = policy;
        _listed = new HashSet<string>(policy.RetryOn, StringComparer.Ordinal);
        _listedTypes = [.. policy.RetryOn.Select(FindType).OfType<Type>()];
    }

    public RetryPolicy Policy { get; }

    /// <summary>Returns why <paramref name="error"/> is worth another attempt, or <see langword="null"/> when it is final.</summary>
    public RetryCause? CauseOf(ItemError? error) => error switch
    {
        null => null,
        { Status: ItemStatus.TimedOut } => Policy.RetryTimeouts ? RetryCause.Timeout : null,
        { Status: ItemStatus.Failed } when IsWorkerLoss(error.Type) => Policy.RetryCrashes ? RetryCause.Crash : null,
        { Status: ItemStatus.Failed } => Matches(error.Type) ? RetryCause.Error : null,
        _ => null,
    };

    /// <summary>Whether the item failed because its worker process died under it (a crash, or killed at its memory limit), rather than by an
    /// exception of its kernel; a <see cref="KernelReasons.WorkerFailed"/> item (a frame too large, a kernel the process cannot load) would fail again.</summary>
    private static bool IsWorkerLoss(string type) => type is KernelReasons.WorkerCrashed or KernelReasons.OutOfMemory;

    private bool Matches(string type)
    {
        if (_listed.Count == 0 || _listed.Contains(type))
        {
            return true;
        }

        if (!_matches.TryGetValue(type, out var matches))
        {
            var found = FindType(type);
            matches = found is not null && _listedTypes.Any(listed => listed.IsAssignableFrom(found));
            _matches[type] = matches;
        }

        return matches;
    }

    private static Type? FindType(string fullName)
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.GetType(fullName, throwOnError: false) is { } type)
            {
                return type;
            }
        }

        return null;
    }
}
