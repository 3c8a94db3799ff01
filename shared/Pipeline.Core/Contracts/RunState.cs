namespace Pipeline.Contracts;

public enum RunState
{
    Submitted,
    Preprocessing,
    Training,
    Evaluating,
    Completed,
    Failed,
    Cancelled,
}

public static class RunStates
{
    public static bool IsFinal(this RunState state) =>
        state is RunState.Completed or RunState.Failed or RunState.Cancelled;
}
