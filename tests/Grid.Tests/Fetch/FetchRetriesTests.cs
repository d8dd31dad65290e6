using System.Net.Http.Headers;
using Grid.Fetch;
using Grid.Jobs;
using Polly;
using Polly.Retry;
using Polly.Testing;

namespace Grid.Tests.Fetch;

/// <summary>The retry pipeline a fetch or upload job builds from its settings: which failures it repeats, how often, and after how long.</summary>
[Trait("Category", "Fast")]
public sealed class FetchRetriesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void For_JobSettings_RetriesAsOftenAsMaxRetriesWithExponentialJitteredBackoffCappedAtMaxRetryDelay()
    {
        var settings = new FetchJobSettings { MaxRetries = 4, RetryDelay = TimeSpan.FromMilliseconds(300), MaxRetryDelay = TimeSpan.FromSeconds(7) };

        var options = RetryOptionsOf(Job(FetchJobs.Fetch, settings));

        Assert.Equal(4, options.MaxRetryAttempts);
        Assert.Equal(DelayBackoffType.Exponential, options.BackoffType);
        Assert.True(options.UseJitter);
        Assert.Equal(TimeSpan.FromMilliseconds(300), options.Delay);
        Assert.Equal(TimeSpan.FromSeconds(7), options.MaxDelay);
    }

    [Fact]
    public void For_TheLongestDelaysValidationAllows_Builds()
    {
        var settings = new FetchJobSettings { RetryDelay = FetchJobSettings.MaxRetryDelayLimit, MaxRetryDelay = FetchJobSettings.MaxRetryDelayLimit };
        settings.Validate();

        Assert.Equal(FetchJobSettings.MaxRetryDelayLimit, RetryOptionsOf(Job(FetchJobs.Fetch, settings)).MaxDelay);
    }

    [Fact]
    public void For_NoRetries_IsAPipelineWithoutARetry()
    {
        var pipeline = FetchRetries.For(Job(FetchJobs.Fetch, new FetchJobSettings { MaxRetries = 0 }), TimeProvider.System);

        Assert.Empty(pipeline.GetPipelineDescriptor().Strategies);
    }

    [Theory]
    [InlineData(FetchJobs.Fetch, true, true, 500, true)]
    [InlineData(FetchJobs.Fetch, false, true, 404, false)]
    [InlineData(FetchJobs.Upload, true, true, 500, true)]
    public async Task ShouldHandle_GetOrPut_RepeatsTransientFailuresOnly(string kernel, bool transient, bool sent, int status, bool repeated)
    {
        var settings = new FetchJobSettings { UploadMethod = UploadMethod.Put };
        var options = RetryOptionsOf(Job(kernel, settings));

        Assert.Equal(repeated, await ShouldHandleAsync(options, new FetchFailure("http-" + status, "failed", transient, status, sent: sent)));
    }

    [Theory]
    [InlineData(true, 500, false)]
    [InlineData(false, 0, true)]
    [InlineData(true, 429, true)]
    [InlineData(true, 503, true)]
    public async Task ShouldHandle_Post_RepeatsOnlyWhatCannotHaveArrivedOrWasRefusedUnread(bool sent, int status, bool repeated)
    {
        var options = RetryOptionsOf(Job(FetchJobs.Upload, new FetchJobSettings { UploadMethod = UploadMethod.Post }));

        Assert.Equal(repeated, await ShouldHandleAsync(options, new FetchFailure("connection-failed", "failed", transient: true, status, sent: sent)));
    }

    [Fact]
    public async Task ShouldHandle_TheJobStopping_IsNotRepeated()
    {
        var options = RetryOptionsOf(Job(FetchJobs.Fetch, new FetchJobSettings()));
        var outcome = Outcome.FromException<FetchResult>(new OperationCanceledException());

        Assert.False(await options.ShouldHandle(new RetryPredicateArguments<FetchResult>(ResilienceContextPool.Shared.Get(), outcome, 0)));
    }

    [Fact]
    public async Task DelayGenerator_ServerAskedForAWait_WaitsWhatItAsked()
    {
        var options = RetryOptionsOf(Job(FetchJobs.Fetch, new FetchJobSettings()));
        var failure = new FetchFailure("http-429", "slow down", transient: true, 429, retryAfter: TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(3), await DelayOfAsync(options, failure));
    }

    [Fact]
    public async Task DelayGenerator_NoRetryAfter_LeavesTheBackoffToDecide()
    {
        var options = RetryOptionsOf(Job(FetchJobs.Fetch, new FetchJobSettings()));

        Assert.Null(await DelayOfAsync(options, new FetchFailure("http-500", "failed", transient: true, 500)));
    }

    [Fact]
    public void RetryAfter_SecondsOverTheCap_IsTheCap()
        => Assert.Equal(TimeSpan.FromSeconds(10), FetchRetries.RetryAfter(new RetryConditionHeaderValue(TimeSpan.FromHours(1)), Now, TimeSpan.FromSeconds(10)));

    [Fact]
    public void RetryAfter_DateWithinTheCap_IsTheTimeUntilIt()
        => Assert.Equal(TimeSpan.FromSeconds(4), FetchRetries.RetryAfter(new RetryConditionHeaderValue(Now.AddSeconds(4)), Now, TimeSpan.FromSeconds(10)));

    [Fact]
    public void RetryAfter_DateInThePast_IsNoWait()
        => Assert.Equal(TimeSpan.Zero, FetchRetries.RetryAfter(new RetryConditionHeaderValue(Now.AddMinutes(-1)), Now, TimeSpan.FromSeconds(10)));

    [Fact]
    public void RetryAfter_NoHeader_IsNull()
        => Assert.Null(FetchRetries.RetryAfter(null, Now, TimeSpan.FromSeconds(10)));

    [Theory]
    [InlineData(2 * 24 * 60)]
    [InlineData(-1)]
    public void Validate_MaxRetryDelayOutsideZeroToOneDay_ThrowsNamingIt(int minutes)
    {
        var settings = new FetchJobSettings { RetryDelay = TimeSpan.Zero, MaxRetryDelay = TimeSpan.FromMinutes(minutes) };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => settings.Validate("FetchOptions"));
        Assert.Contains("FetchOptions.MaxRetryDelay", error.Message, StringComparison.Ordinal);
    }

    private static FetchJob Job(string kernel, FetchJobSettings settings)
        => new(new JobSpec(Guid.NewGuid(), kernel, typeof(string), typeof(FetchResult)), settings, saveFolder: null, uploadFolder: null, parent: default);

    private static RetryStrategyOptions<FetchResult> RetryOptionsOf(FetchJob job)
    {
        var strategy = Assert.Single(FetchRetries.For(job, TimeProvider.System).GetPipelineDescriptor().Strategies);
        return Assert.IsType<RetryStrategyOptions<FetchResult>>(strategy.Options);
    }

    private static ValueTask<bool> ShouldHandleAsync(RetryStrategyOptions<FetchResult> options, Exception failure)
        => options.ShouldHandle(new RetryPredicateArguments<FetchResult>(ResilienceContextPool.Shared.Get(), Outcome.FromException<FetchResult>(failure), 0));

    private static ValueTask<TimeSpan?> DelayOfAsync(RetryStrategyOptions<FetchResult> options, Exception failure)
        => options.DelayGenerator!(new RetryDelayGeneratorArguments<FetchResult>(ResilienceContextPool.Shared.Get(), Outcome.FromException<FetchResult>(failure), 0));
}
