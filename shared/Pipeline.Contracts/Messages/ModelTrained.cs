namespace Pipeline.Contracts;

/// <summary>A trial finished training; its best model and its history are in the object store.</summary>
/// <param name="ComputeSeconds">Seconds the trainer worked on the trial's last attempt (null from a sender older than the field).</param>
public sealed record ModelTrained(
    Guid RunId,
    string TrialId,
    string ModelKey,
    string HistoryKey,
    int BestEpoch,
    double BestValidationAccuracy,
    IReadOnlyDictionary<string, string> Versions,
    double? ComputeSeconds = null);
