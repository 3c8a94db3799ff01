namespace Pipeline.Tests.Storage;

/// <summary>Tests that measure the process's memory: they run after all others, alone, so nothing else allocates meanwhile.</summary>
[CollectionDefinition(nameof(S3MemoryCollection), DisableParallelization = true)]
public sealed class S3MemoryCollection;
