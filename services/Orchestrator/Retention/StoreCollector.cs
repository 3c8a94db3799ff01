using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Orchestrator.Retention;

/// <summary>
/// `pipeline gc`: removes what no run needs. A live run (any state but Completed, Failed and Cancelled, so an
/// interrupted run keeps what it resumes from) keeps its prepared dataset, features and checkpoints; a finished run
/// keeps its model and reports but not its checkpoints. Prepared data no live run uses goes once unused for
/// <see cref="RetentionOptions"/>' days, and at once when it is the leftover of an unfinished preparation or
/// extraction (shards without a manifest, feature chunks without an index: a worker killed half-way).
/// </summary>
public sealed class StoreCollector(RunStore runs, IObjectStore store, IOptions<RetentionOptions> retention, TimeProvider clock)
{
    private const int RunsPerPage = 500;

    public async Task<CollectionReport> CollectAsync(bool dryRun, CancellationToken cancellationToken = default)
    {
        var allRuns = AllRuns();
        var live = allRuns.Where(run => !run.State.IsFinal()).ToList();
        var removed = new List<(Collected Group, IReadOnlyList<string> Keys)>();
        var kept = new List<string>();

        // A run still preparing has no fingerprint yet: any prepared folder may be the one it is about to use (or writing).
        if (live.Count(run => run.Fingerprint is null) is > 0 and var preparing)
            kept.Add($"prepared data: {preparing} run(s) are still preparing their dataset, and any prepared folder may be theirs; run gc again once they have");
        else
            await CollectPreparedAsync(allRuns, live, removed, kept, cancellationToken);
        await CollectCheckpointsAsync(allRuns, removed, cancellationToken);

        if (!dryRun)
            foreach (var (_, keys) in removed)
                // Indexes (manifest, features index) first: a collection that stops half-way never leaves an index naming missing objects.
                foreach (var key in keys.OrderBy(key => key.EndsWith(".json", StringComparison.Ordinal) ? 0 : 1))
                    await store.DeleteAsync(key, cancellationToken);
        var groups = removed.Select(entry => entry.Group).ToList();
        return new CollectionReport(dryRun, groups, groups.Sum(group => group.Objects), groups.Sum(group => group.Bytes), kept);
    }

    private async Task CollectPreparedAsync(IReadOnlyList<RunRecord> allRuns, IReadOnlyList<RunRecord> live,
        List<(Collected, IReadOnlyList<string>)> removed, List<string> kept, CancellationToken cancellationToken)
    {
        var inUse = live.Select(run => run.Fingerprint).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var lastRunUse = allRuns.Where(run => run.Fingerprint is not null).GroupBy(run => run.Fingerprint!)
            .ToDictionary(group => group.Key, group => group.Max(run => run.UpdatedAt), StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var keys = await store.ListAsync(ObjectKeys.PreparedRoot, cancellationToken).ToListAsync(cancellationToken);
        foreach (var folder in keys.Where(key => key.IndexOf('/', ObjectKeys.PreparedRoot.Length) > 0)
                     .GroupBy(key => key[..(key.IndexOf('/', ObjectKeys.PreparedRoot.Length) + 1)]))
        {
            var fingerprint = folder.Key[ObjectKeys.PreparedRoot.Length..^1];
            if (inUse.Contains(fingerprint))
            {
                kept.Add($"{folder.Key}: used by a live run");
                continue;
            }
            var manifestKey = ObjectKeys.Manifest(fingerprint);
            DateTimeOffset? made = folder.Contains(manifestKey) ? (await store.GetJsonAsync<DatasetManifest>(manifestKey, cancellationToken)).CreatedAt : null;
            if (made is null)
            {
                await AddAsync(removed, "prepared", folder.Key, folder, "unfinished preparation (no manifest) that no live run uses", cancellationToken);
                continue;
            }
            var lastUse = lastRunUse.TryGetValue(fingerprint, out var used) && used > made ? used : made.Value;
            var unused = now - lastUse;
            if (unused > TimeSpan.FromDays(retention.Value.KeepPreparedDays))
            {
                await AddAsync(removed, "prepared", folder.Key, folder, $"unused for {unused.TotalDays:F1} days (Pipeline:Retention:KeepPreparedDays {retention.Value.KeepPreparedDays})", cancellationToken);
                continue;
            }
            var featuresFolder = ObjectKeys.FeaturesFolder(fingerprint);
            var features = folder.Where(key => key.StartsWith(featuresFolder, StringComparison.Ordinal)).ToList();
            if (unused > TimeSpan.FromDays(retention.Value.KeepFeaturesDays))
            {
                await AddAsync(removed, "features", featuresFolder, features, $"unused for {unused.TotalDays:F1} days (Pipeline:Retention:KeepFeaturesDays {retention.Value.KeepFeaturesDays})", cancellationToken);
                continue;
            }
            // A chunk's extraction is <split>-<id>/ beside its index <split>-<id>.json, which is written after every chunk.
            foreach (var extraction in features.Where(key => key[featuresFolder.Length..].Contains('/'))
                         .GroupBy(key => key[..(key.IndexOf('/', featuresFolder.Length) + 1)])
                         .Where(extraction => !folder.Contains($"{extraction.Key[..^1]}.json")))
                await AddAsync(removed, "orphan-features", extraction.Key, extraction, "feature chunks without an index: an extraction that never finished", cancellationToken);
        }
    }

    /// <summary>A finished run is never resumed: its checkpoints are spent (its model and reports stay).</summary>
    private async Task CollectCheckpointsAsync(IReadOnlyList<RunRecord> allRuns, List<(Collected, IReadOnlyList<string>)> removed, CancellationToken cancellationToken)
    {
        foreach (var run in allRuns.Where(run => run.State.IsFinal()))
        {
            var checkpoints = await store.ListAsync(ObjectKeys.RunFolder(run.Id), cancellationToken)
                .Where(key => key.Contains($"/{ObjectKeys.CheckpointsFolderName}/", StringComparison.Ordinal)).ToListAsync(cancellationToken);
            if (checkpoints.Count > 0)
                await AddAsync(removed, "checkpoints", ObjectKeys.RunFolder(run.Id), checkpoints, $"the run is {run.State}", cancellationToken);
        }
    }

    private async Task AddAsync(List<(Collected, IReadOnlyList<string>)> removed, string kind, string prefix, IEnumerable<string> keys, string reason,
        CancellationToken cancellationToken)
    {
        var list = keys.ToList();
        if (list.Count == 0)
            return;
        var bytes = 0L;
        foreach (var key in list)
            bytes += await store.SizeAsync(key, cancellationToken);
        removed.Add((new Collected(kind, prefix, list.Count, bytes, reason), list));
    }

    private List<RunRecord> AllRuns()
    {
        var all = new List<RunRecord>();
        while (runs.List(RunsPerPage, after: all.Count == 0 ? null : (all[^1].CreatedAt, all[^1].Id)) is { Count: > 0 } page)
            all.AddRange(page);
        return all;
    }
}
