/// Namespace for the WarmlineAudio module.
public enum WarmlineAudio {}
