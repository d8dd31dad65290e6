namespace Grid.Jobs;

/// <summary>Why one item did not produce a value: the status, the exception type and its message.</summary>
/// <param name="Status">How the item ended; never <see cref="ItemStatus.Ok"/>.</param>
/// <param name="Type">The full name of the exception type, for example <c>System.DivideByZeroException</c>.</param>
/// <param name="Message">A message a person can read.</param>
[GenerateSerializer]
[Immutable]
public sealed record ItemError(ItemStatus Status, string Type, string Message)
{
    /// <summary>Gets the exception's text with its stack trace, when the item failed inside a kernel.</summary>
    [Id(101)]
    public string? Detail { get; init; }

    /// <summary>Describes an exception thrown by a kernel.</summary>
    public static ItemError FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new ItemError(ItemStatus.Failed, exception.GetType().FullName ?? exception.GetType().Name, exception.Message)
        {
            Detail = exception.ToString(),
        };
    }

    /// <inheritdoc />
    public override string ToString() => $"{Status}: {Type}: {Message}";
}
