namespace Pipeline.Contracts;

/// <summary>A trial finished training; its best model and its history are in the object store.</summary>
public sealed record ModelTrained(
    Guid RunId,
    string TrialId,
    string ModelKey,
    string HistoryKey,
    int BestEpoch,
    double BestValidationAccuracy,
    IReadOnlyDictionary<string, string> Versions);
