/// Namespace for the WarmlineDSP module.
public enum WarmlineDSP {}
