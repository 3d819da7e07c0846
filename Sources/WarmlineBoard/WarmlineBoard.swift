/// Namespace for the WarmlineBoard module.
public enum WarmlineBoard {}
