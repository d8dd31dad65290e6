namespace Grid;

/// <summary>Marks a grain class whose turns may interleave at await points; they still never run in parallel.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute;
