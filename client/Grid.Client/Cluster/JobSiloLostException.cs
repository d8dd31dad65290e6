namespace Grid.Client.Cluster;

/// <summary>Says that the silo running a cluster job went silent: the job sends a heartbeat every second, and none came within the client's silence timeout.</summary>
internal sealed class JobSiloLostException(string message, Exception innerException) : GridException(message, innerException);
