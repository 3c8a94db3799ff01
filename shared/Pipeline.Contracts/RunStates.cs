namespace Pipeline.Contracts;

public static class RunStates
{
    /// <summary>Completed, Failed or Cancelled: nothing will change the run any more.</summary>
    public static bool IsFinal(this RunState state) =>
        state is RunState.Completed or RunState.Failed or RunState.Cancelled;
}
