/// Namespace for the WarmlineStore module.
public enum WarmlineStore {}
