using Grid.Kernels;

namespace Grid.Jobs;

/// <summary>The checks a job's spec must pass before it starts (or, for a detached job, before it is stored): limits in range and a kernel that takes the job's types.</summary>
internal static class JobSpecRules
{
    /// <summary>Throws when the job's time limit or MaxInFlight is out of range: the rules every job, map or fetch, follows.</summary>
    public static void CheckCommon(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        TimeLimit.ThrowIfNotPositive(spec.JobTimeout, nameof(JobSpec.JobTimeout));
        if (spec.MaxInFlight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.MaxInFlight, "MaxInFlight must be 0 (automatic) or positive.");
        }
    }

    /// <summary>Checks a map job's limits and its kernel; returns the kernel's runner, or throws naming what is wrong (a <see cref="GridException"/> for the kernel).</summary>
    public static KernelRunner CheckMap(JobSpec spec, KernelRegistry kernels)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        CheckCommon(spec);
        TimeLimit.ThrowIfNotPositive(spec.ItemTimeout, nameof(JobSpec.ItemTimeout));
        TimeLimit.ThrowIfNotPositive(spec.HardItemTimeout, nameof(JobSpec.HardItemTimeout));
        TimeLimit.ThrowIfHardBelowSoft(spec.HardItemTimeout, nameof(JobSpec.HardItemTimeout), spec.ItemTimeout, nameof(JobSpec.ItemTimeout));
        if (spec.MaxFailures < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.MaxFailures, $"MaxFailures must be 0 or more, or null for no limit; got {spec.MaxFailures}.");
        }

        spec.Retry?.Validate(nameof(JobSpec.Retry));
        var runner = kernels.GetForJob(spec.Kernel, spec.InputType, spec.OutputType);
        TimeLimit.ThrowIfHardBelowSoft(runner.Options.HardTimeout, $"Kernel '{spec.Kernel}''s hard time limit", spec.ItemTimeout, nameof(JobSpec.ItemTimeout));
        return runner;
    }
}
