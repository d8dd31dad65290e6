using System.Reflection;
using Grid.Jobs;
using Grid.Kernels.Isolation;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Kernels;

/// <summary>The kernels this silo may run, by name; the only code a client can have a silo run.</summary>
internal sealed class KernelRegistry
{
    private readonly Dictionary<string, KernelRunner> _runners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RetryPolicy> _retries = new(StringComparer.Ordinal);

    public KernelRegistry(IEnumerable<KernelRegistration> registrations, IEnumerable<KernelRetryRegistration> retries, IServiceProvider services)
    {
        var sources = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            if (sources.TryGetValue(registration.Name, out var first) && first != registration.KernelType)
            {
                throw new InvalidOperationException(
                    $"Kernel name '{registration.Name}' is registered twice, by {first.FullName} and {registration.KernelType.FullName}; give one of them another name.");
            }

            sources[registration.Name] = registration.KernelType;
            var (input, output) = GetKernelTypes(registration.KernelType);
            var options = registration.Options;
            ThrowIfNotIsolatable(registration);
            if (registration.KernelType.GetCustomAttribute<RetryAttribute>() is { } attribute)
            {
                var policy = attribute.ToPolicy();
                policy.Validate($"kernel '{registration.Name}': [Retry]");
                _retries[registration.Name] = policy;
            }
            if (options.Isolation == KernelIsolation.Process)
            {
                // Made in each worker process, never in the silo's: its constructor is part of what isolation keeps out.
                _runners[registration.Name] = (KernelRunner)Activator.CreateInstance(
                    typeof(IsolatedKernelRunner<,>).MakeGenericType(input, output), registration.Name, options)!;
                continue;
            }

            var instance = registration.Instance ?? ActivatorUtilities.CreateInstance(services, registration.KernelType);
            _runners[registration.Name] = KernelRunner.Create(registration.Name, instance, input, output, options);
        }

        foreach (var retry in retries)
        {
            _retries[retry.Name] = _runners.ContainsKey(retry.Name)
                ? retry.Retry
                : throw new InvalidOperationException($"A retry policy is set for kernel '{retry.Name}', but no kernel of that name is registered.");
        }

        Kernels = _runners.Values.Select(r => r.Info).OrderBy(k => k.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Gets the registered kernels sorted by name.</summary>
    public IReadOnlyList<KernelInfo> Kernels { get; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the kernel when its options are out of range, or when it is marked for process isolation but a worker process could not make it.</summary>
    public static void ThrowIfNotIsolatable(KernelRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        registration.Options.Validate(registration.Name);
        if (registration.Options.Isolation != KernelIsolation.Process)
        {
            return;
        }

        if (registration.Instance is not null)
        {
            throw new ArgumentException(
                $"Kernel '{registration.Name}' is registered as an instance, but Isolation = Process makes it in each worker process from its class; register it by type (AddKernel<T>) instead.");
        }

        var type = registration.KernelType;
        if (!type.IsPublic || type.IsAbstract || type.ContainsGenericParameters || string.IsNullOrEmpty(type.Assembly.Location))
        {
            throw new ArgumentException(
                $"Kernel '{registration.Name}' ({type.FullName}) runs with Isolation = Process, so its worker processes load it by name from its assembly file: it must be a public, non-abstract, non-generic class in an assembly loaded from a file.");
        }
    }

    /// <summary>Returns the input and output types of the single <see cref="IKernel{TInput, TOutput}"/> that <paramref name="kernelType"/> implements.</summary>
    public static (Type Input, Type Output) GetKernelTypes(Type kernelType)
    {
        ArgumentNullException.ThrowIfNull(kernelType);
        var contracts = kernelType.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IKernel<,>))
            .ToArray();
        return contracts.Length switch
        {
            1 => (contracts[0].GetGenericArguments()[0], contracts[0].GetGenericArguments()[1]),
            0 => throw new ArgumentException($"{kernelType.FullName} is not a kernel: it does not implement IKernel<TInput, TOutput>.", nameof(kernelType)),
            _ => throw new ArgumentException($"{kernelType.FullName} implements IKernel<TInput, TOutput> more than once; a kernel has one input and one output type.", nameof(kernelType)),
        };
    }

    /// <summary>Gets the runner of kernel <paramref name="name"/>, or throws a <see cref="GridException"/> that lists the registered kernels.</summary>
    public KernelRunner Get(string name)
    {
        if (name is not null && _runners.TryGetValue(name, out var runner))
        {
            return runner;
        }

        throw KernelNames.NotRegistered(name, _runners.Keys);
    }

    /// <summary>Gets the retry policy of kernel <paramref name="name"/>, or <see langword="null"/> when its failed items are not retried.</summary>
    public RetryPolicy? GetRetry(string name) => _retries.GetValueOrDefault(name);

    /// <summary>Gets the runner of a job's kernel after checking the job's item types against it; throws a <see cref="GridException"/> naming the mismatch.</summary>
    public KernelRunner GetForJob(string name, Type inputType, Type outputType)
    {
        var runner = Get(name);
        runner.Info.ThrowIfIncompatible(inputType, outputType);
        return runner;
    }
}
