using System.Text.Json;

namespace Grid.Cli.Output;

/// <summary>How a command shows its items: the text line of a result and the JSON of its input and value.</summary>
/// <typeparam name="TIn">The kernel's input type.</typeparam>
/// <typeparam name="TOut">The kernel's output type.</typeparam>
internal sealed class ItemFormat<TIn, TOut>
{
    /// <summary>Gets the name of an input at the start of its error line, for example the number or the file.</summary>
    public required Func<TIn, string> Label { get; init; }

    /// <summary>Gets the text line of a success, or <see langword="null"/> when successes print no line of their own.</summary>
    public Func<TIn, TOut, string>? Line { get; init; }

    /// <summary>Gets the writer of an input as a JSON value, or <see langword="null"/> when the inputs are not known (<c>grid attach</c>), and results then have no <c>input</c>.</summary>
    public required Action<Utf8JsonWriter, TIn>? WriteInput { get; init; }

    /// <summary>Gets the writer of a kernel's value as a JSON value.</summary>
    public required Action<Utf8JsonWriter, TOut> WriteValue { get; init; }

    /// <summary>Gets whether results show how many times the job ran their item (<c>(N attempts)</c>, JSON <c>attempts</c>).</summary>
    /// <value>The default value is <see langword="true"/>; fetch and upload retry inside one item and show their requests' attempts in the value instead.</value>
    public bool ShowsAttempts { get; init; } = true;
}
