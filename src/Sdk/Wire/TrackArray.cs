namespace Braze;

/// <summary>The three arrays of a <c>/users/track</c> body (and of a Canvas User Update step).</summary>
public enum TrackArray
{
    /// <summary><c>attributes</c>: profile updates.</summary>
    Attributes = 0,

    /// <summary><c>events</c>: custom events.</summary>
    Events = 1,

    /// <summary><c>purchases</c>: purchases.</summary>
    Purchases = 2,
}
