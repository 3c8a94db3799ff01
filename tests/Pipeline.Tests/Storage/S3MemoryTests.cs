using System.Diagnostics;
using Pipeline.Storage;
using Xunit.Abstractions;

namespace Pipeline.Tests.Storage;

/// <summary>A big put and read hold about one part (8 MiB) and a 1 MiB read-ahead in memory, not the object.
/// Measured with the whole test process to itself (see <see cref="S3MemoryCollection"/>).</summary>
[Collection(nameof(S3MemoryCollection))]
public sealed class S3MemoryTests(ITestOutputHelper output)
{
    private const long Size = 200L * 1024 * 1024;
    private const long Budget = 32L * 1024 * 1024;

    [Fact]
    public async Task A_200_MB_put_and_read_allocate_a_small_fraction_of_the_object()
    {
        await using var server = await S3rverProcess.StartAsync();
        using var store = new S3ObjectStore(S3rverFixture.Options(server));
        await store.PutAsync("warm-up", new GeneratedStream(9L * 1024 * 1024)); // JIT, pooled part buffer, connections
        await using (var warm = await store.OpenReadAsync("warm-up"))
            await GeneratedStream.HashAsync(warm);

        using var source = new GeneratedStream(Size, seed: 200);
        var put = await MeasureAsync(() => store.PutAsync("big/200mb.bin", source));
        string? sha256 = null;
        var read = await MeasureAsync(async () =>
        {
            await using var stream = await store.OpenReadAsync("big/200mb.bin");
            (_, sha256) = await GeneratedStream.HashAsync(stream);
        });

        Assert.Equal(source.Sha256, sha256);
        output.WriteLine($"200 MiB put:  {put}");
        output.WriteLine($"200 MiB read: {read}");
        Assert.True(put.Allocated < Budget, $"the put allocated {put.Allocated / 1048576.0:F1} MiB");
        Assert.True(read.Allocated < Budget, $"the read allocated {read.Allocated / 1048576.0:F1} MiB");
        Assert.True(put.PeakHeapGrowth < Budget && read.PeakHeapGrowth < Budget, "the managed heap grew too much");
    }

    private static async Task<Measurement> MeasureAsync(Func<Task> action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        ResetPeakResidentSet();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: false);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var residentBefore = Environment.WorkingSet;
        long peakHeap = heapBefore;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(5);
            }
        });
        var clock = Stopwatch.StartNew();
        await action();
        var elapsed = clock.Elapsed;
        await sampling.CancelAsync();
        await sampler;
        return new Measurement(elapsed, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, peakHeap - heapBefore,
            PeakResidentSet() is { } peak ? peak - residentBefore : null);
    }

    /// <summary>Linux: writing 5 to /proc/self/clear_refs resets the peak resident set (VmHWM).</summary>
    private static void ResetPeakResidentSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static long? PeakResidentSet()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private sealed record Measurement(TimeSpan Elapsed, long Allocated, long PeakHeapGrowth, long? PeakResidentGrowth)
    {
        public override string ToString() =>
            $"{Elapsed.TotalSeconds:F1} s, {Size / 1048576.0 / Elapsed.TotalSeconds:F0} MiB/s; allocated {Allocated / 1048576.0:F1} MiB, " +
            $"peak managed heap +{PeakHeapGrowth / 1048576.0:F1} MiB, peak resident set +{(PeakResidentGrowth is { } r ? $"{r / 1048576.0:F1} MiB" : "n/a")}";
    }
}
