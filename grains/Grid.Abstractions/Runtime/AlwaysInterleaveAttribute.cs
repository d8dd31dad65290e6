namespace Grid;

/// <summary>Marks a grain interface method whose calls may run while the grain is inside another turn (interleaving at its awaits, never in parallel), even when the grain is not <see cref="ReentrantAttribute">reentrant</see>.</summary>
/// <remarks>
/// Use it for calls that must get through while the grain waits, such as a callback from a grain it is calling: such a call
/// never waits in the mailbox and is never reported as a deadlock. The method must not rely on the grain's other turns being finished.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class AlwaysInterleaveAttribute : Attribute;
