namespace Grid;

/// <summary>Marks an interface as a grain contract: every method returns <see cref="Task"/>, <see cref="ValueTask"/> or <see cref="IAsyncEnumerable{T}"/>.</summary>
public interface IGrain;
