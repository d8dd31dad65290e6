namespace Grid.Tests.TestKernels;

/// <summary>An item of <see cref="FlakyKernel"/>: fails its first <paramref name="Failures"/> attempts in the way <paramref name="Kind"/> says, then returns its attempt number.</summary>
/// <param name="Key">Identifies the item across attempts; unique per test.</param>
/// <param name="Failures">How many attempts fail before one succeeds.</param>
/// <param name="Kind">How a failing attempt fails.</param>
public sealed record FlakyItem(string Key, int Failures, FlakyFailure Kind = FlakyFailure.FileNotFound);

/// <summary>How a <see cref="FlakyItem"/>'s failing attempts fail.</summary>
public enum FlakyFailure
{
    /// <summary>Throws <see cref="System.IO.FileNotFoundException"/>, an <see cref="System.IO.IOException"/>.</summary>
    FileNotFound,

    /// <summary>Throws <see cref="InvalidOperationException"/>.</summary>
    InvalidOperation,

    /// <summary>Waits for its token: the item's time limit stops it.</summary>
    Timeout,
}
