using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Orchestrator.Retention;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;
using Pipeline.Tests.Orchestration;

namespace Pipeline.Tests.Retention;

/// <summary>`pipeline gc` on a real folder store and run database, with a clock the test sets.</summary>
public sealed class StoreCollectorTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly ManualClock _clock = new();
    private readonly FileSystemObjectStore _store;
    private readonly RunStore _runs;
    private readonly StoreCollector _collector;

    public StoreCollectorTests()
    {
        _store = new FileSystemObjectStore(_folder.Combine("objects"));
        _runs = new RunStore($"Data Source={_folder.Combine("runs.db")}");
        _collector = new StoreCollector(_runs, _store, Options.Create(new RetentionOptions { KeepPreparedDays = 14, KeepFeaturesDays = 7 }), _clock);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task What_live_runs_use_stays_and_unused_leftovers_expired_data_and_finished_runs_checkpoints_go_with_their_bytes()
    {
        var live = await RunAsync(RunState.Training, "live", lastUse: 30);
        var interrupted = await RunAsync(RunState.Interrupted, "interrupted", lastUse: 30);
        var completed = await RunAsync(RunState.Completed, "old", lastUse: 20);
        var failed = await RunAsync(RunState.Failed, "features-expired", lastUse: 10);
        var recent = await RunAsync(RunState.Completed, "recent", lastUse: 1);
        await PreparedAsync("live", orphanChunks: true);
        await PreparedAsync("interrupted");
        await PreparedAsync("old");
        await PreparedAsync("features-expired");
        await PreparedAsync("recent", orphanChunks: true);
        await _store.PutBytesAsync(ObjectKeys.Shard("unfinished", "train", 0), new byte[300]);
        var before = await _store.ListAsync("").ToListAsync();
        var bytesBefore = before.Sum(SizeOf);

        var preview = await _collector.CollectAsync(dryRun: true);
        var afterPreview = await _store.ListAsync("").ToListAsync();
        var report = await _collector.CollectAsync(dryRun: false);
        var left = await _store.ListAsync("").ToListAsync();

        Assert.Equal(before, afterPreview);
        Assert.Equal(report.Removed, preview.Removed);
        Assert.Equal(
        [
            "features prepared/features-expired/features/",
            "prepared prepared/old/",
            "orphan-features prepared/recent/features/train-cafe/",
            "prepared prepared/unfinished/",
        ], report.Removed.Where(group => group.Kind != "checkpoints").Select(group => $"{group.Kind} {group.Prefix}"));
        Assert.Equal(new[] { completed, failed, recent }.Select(ObjectKeys.RunFolder).Order(StringComparer.Ordinal),
            report.Removed.Where(group => group.Kind == "checkpoints").Select(group => group.Prefix).Order(StringComparer.Ordinal));
        var removedKeys = before.Except(left).ToList();
        Assert.Equal(report.Objects, removedKeys.Count);
        Assert.Equal(bytesBefore - left.Sum(SizeOf), report.Bytes);
        Assert.Equal(report.Bytes, report.Removed.Sum(group => group.Bytes));
        // Whatever the live and the interrupted run use is all there, orphan chunks and checkpoints included.
        foreach (var (run, fingerprint) in new[] { (live, "live"), (interrupted, "interrupted") })
        {
            Assert.DoesNotContain(removedKeys, key => key.StartsWith(ObjectKeys.PreparedFolder(fingerprint), StringComparison.Ordinal));
            Assert.DoesNotContain(removedKeys, key => key.StartsWith(ObjectKeys.RunFolder(run), StringComparison.Ordinal));
        }
        // A finished run keeps its model; expired features leave the shards; a finished extraction stays beside a dead one.
        Assert.Contains(ObjectKeys.Model(completed, "t1"), left);
        Assert.Contains(ObjectKeys.Shard("features-expired", "train", 0), left);
        Assert.Contains(ObjectKeys.Features("recent", "train", "beef"), left);
        Assert.Contains(ObjectKeys.FeatureChunk("recent", "train", "beef", "t1", 0), left);
        Assert.Empty((await _collector.CollectAsync(dryRun: false)).Removed);
    }

    [Fact]
    public async Task While_a_run_is_still_preparing_no_prepared_data_is_removed()
    {
        await RunAsync(RunState.Preprocessing, fingerprint: null, lastUse: 0);
        await PreparedAsync("old");
        _clock.Advance(TimeSpan.FromDays(100));
        await _store.PutBytesAsync(ObjectKeys.Shard("unfinished", "train", 0), new byte[10]);

        var report = await _collector.CollectAsync(dryRun: false);

        Assert.Empty(report.Removed);
        Assert.Contains("still preparing", Assert.Single(report.Kept));
        Assert.True(await _store.ExistsAsync(ObjectKeys.Manifest("old")));
        Assert.True(await _store.ExistsAsync(ObjectKeys.Shard("unfinished", "train", 0)));
    }

    private long SizeOf(string key) => new FileInfo(_store.PathOf(key)).Length;

    /// <param name="lastUse">Days before the clock's now that the run was last updated.</param>
    private async Task<Guid> RunAsync(RunState state, string? fingerprint, int lastUse)
    {
        var id = Guid.NewGuid();
        var at = _clock.GetUtcNow() - TimeSpan.FromDays(lastUse);
        var trialState = state == RunState.Preprocessing ? RunState.Submitted : state;
        Assert.True(_runs.TryInsert(new RunRecord
        {
            Id = id, State = state, Spec = new RunSpec { Dataset = "d" }, CreatedAt = at, UpdatedAt = at, Fingerprint = fingerprint,
            Trials = [new TrialRecord { TrialId = "t1", State = trialState, Training = new TrainingSpec() }],
        }));
        await _store.PutBytesAsync(ObjectKeys.Checkpoint(id, "t1", "epoch-0001"), new byte[1000]);
        await _store.PutBytesAsync(ObjectKeys.Model(id, "t1"), new byte[500]);
        return id;
    }

    /// <summary>A prepared dataset made 30 days ago: manifest, a shard, one finished feature extraction and, optionally, chunks of one that never finished.</summary>
    private async Task PreparedAsync(string fingerprint, bool orphanChunks = false)
    {
        await _store.PutJsonAsync(ObjectKeys.Manifest(fingerprint), new DatasetManifest
        {
            Fingerprint = fingerprint, Source = "d", ImageWidth = 8, ImageHeight = 8, Classes = ["a", "b"], Seed = 1, Preprocessing = new PreprocessingSpec(),
            Splits = new Dictionary<string, SplitManifest>(), Quarantine = [], Skipped = SkippedFiles.None, CreatedAt = _clock.GetUtcNow() - TimeSpan.FromDays(30),
        });
        await _store.PutBytesAsync(ObjectKeys.Shard(fingerprint, "train", 0), new byte[2000]);
        await _store.PutBytesAsync(ObjectKeys.FeatureChunk(fingerprint, "train", "beef", "t1", 0), new byte[700]);
        await _store.PutBytesAsync(ObjectKeys.Features(fingerprint, "train", "beef"), new byte[50]);
        if (orphanChunks)
        {
            await _store.PutBytesAsync(ObjectKeys.FeatureChunk(fingerprint, "train", "cafe", "t2", 0), new byte[700]);
            await _store.PutBytesAsync(ObjectKeys.FeatureChunk(fingerprint, "train", "cafe", "t2", 1), new byte[300]);
        }
    }
}
