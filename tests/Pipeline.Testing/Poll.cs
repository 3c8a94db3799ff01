namespace Pipeline.Testing;

/// <summary>Waiting for something another thread (a consumer, a process) makes true.</summary>
public static class Poll
{
    /// <summary>Checks <paramref name="condition"/> every 20 ms; fails the test, naming <paramref name="what"/>, after <paramref name="seconds"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited {seconds} s for {what}.");
            await Task.Delay(20);
        }
    }
}
