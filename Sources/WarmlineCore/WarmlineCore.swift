/// Namespace for the WarmlineCore module.
public enum WarmlineCore {}
