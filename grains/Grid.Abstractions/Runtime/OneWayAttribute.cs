namespace Grid;

/// <summary>Marks a grain interface method as one-way: the caller's task completes once the call is queued, without waiting for the grain.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OneWayAttribute : Attribute;
