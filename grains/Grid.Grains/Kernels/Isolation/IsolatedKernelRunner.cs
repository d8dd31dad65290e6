using System.Diagnostics;
using System.Text.Json;
using Grid.Jobs;

namespace Grid.Kernels.Isolation;

/// <summary>Runs a kernel marked <see cref="KernelIsolation.Process"/> over a chunk in the worker's process: sends the items as JSON, reads each item's outcome as it ends, and kills and replaces the process at the hard limit, at the memory limit, when it crashes, or when its kernel does not stop within the grace after the job is cancelled, failing only the item it was running.</summary>
/// <typeparam name="TIn">The kernel's input type.</typeparam>
/// <typeparam name="TOut">The kernel's output type.</typeparam>
internal sealed class IsolatedKernelRunner<TIn, TOut>(string name, KernelOptions options)
    : KernelRunner(KernelInfo.For(name, typeof(TIn), typeof(TOut)), options)
{
    public override ChunkResult Run(Chunk chunk, KernelWorker worker, CancellationToken cancellationToken)
    {
        var run = new ChunkRun(this, chunk, worker, cancellationToken);
        run.Execute();
        return run.Result();
    }

    /// <summary>The state of one chunk on its way through one or more worker processes.</summary>
    private sealed class ChunkRun
    {
        private readonly IsolatedKernelRunner<TIn, TOut> _runner;
        private readonly Chunk _chunk;
        private readonly KernelWorker _worker;
        private readonly CancellationToken _token;
        private readonly TOut[] _outputs;
        private readonly TimeSpan[] _durations;
        private readonly List<int> _pending;
        private readonly byte[]?[] _inputs;
        private readonly TimeSpan? _hard;
        private readonly long _memoryLimit;
        private readonly long _startedTimestamp = Stopwatch.GetTimestamp();
        private readonly DateTimeOffset _startedAt;
        private ItemError?[]? _errors;
        private int _succeeded;
        private int _next;
        private int _sentEnd;

        public ChunkRun(IsolatedKernelRunner<TIn, TOut> runner, Chunk chunk, KernelWorker worker, CancellationToken token)
        {
            _runner = runner;
            _chunk = chunk;
            _worker = worker;
            _token = token;
            _startedAt = worker.Time.GetUtcNow();
            _outputs = new TOut[chunk.Count];
            _durations = new TimeSpan[chunk.Count];
            _inputs = new byte[chunk.Count][];
            _pending = new List<int>(chunk.Count);
            _hard = runner.HardLimit(chunk);
            _memoryLimit = worker.Processes.MemoryLimitBytes(runner.Options);
            var typed = chunk.Inputs as TIn[];
            for (var i = 0; i < chunk.Count; i++)
            {
                var value = typed is not null ? typed[i] : chunk.Inputs.GetValue(i);
                if (typed is null && !(value is TIn || (value is null && default(TIn) is null)))
                {
                    Fail(i, new ItemError(ItemStatus.Failed, typeof(InvalidCastException).FullName!,
                        $"Input {chunk.StartIndex + i} is {value?.GetType().FullName ?? "null"}, but kernel '{runner.Info.Name}' takes {typeof(TIn).FullName}."));
                    continue;
                }

                try
                {
                    _inputs[i] = JsonSerializer.SerializeToUtf8Bytes((TIn)value!, ItemJson.Options);
                    _pending.Add(i);
                }
                catch (Exception exception) when (exception is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
                {
                    Fail(i, new ItemError(ItemStatus.Failed, exception.GetType().FullName!,
                        $"Input {chunk.StartIndex + i} cannot be sent to kernel '{runner.Info.Name}''s worker process as JSON of {typeof(TIn).FullName}: {exception.Message}"));
                }
            }
        }

        public void Execute()
        {
            var limits = ItemLimits.Create(_chunk, _worker.Time, _token);
            using (limits)
            {
                var failedSends = 0;
                while (_next < _pending.Count)
                {
                    if (limits.StopReason(_token) is { } stopped)
                    {
                        FailRest(stopped);
                        return;
                    }

                    WorkerProcess process;
                    try
                    {
                        process = _worker.GetProcess();
                    }
                    catch (WorkerStartException exception)
                    {
                        FailRest(new ItemError(ItemStatus.Failed, KernelReasons.WorkerFailed,
                            $"Kernel '{_runner.Info.Name}' runs in a worker process, and none could be started: {exception.Message}"));
                        return;
                    }

                    if (!TrySend(process))
                    {
                        // The process died between chunks (not this chunk's doing): start another once, then give up.
                        _worker.DiscardProcess();
                        if (++failedSends > 1)
                        {
                            FailRest(new ItemError(ItemStatus.Failed, KernelReasons.WorkerFailed,
                                $"Kernel '{_runner.Info.Name}''s worker process would not take the chunk: its input pipe broke twice."));
                            return;
                        }

                        continue;
                    }

                    Collect(process, limits);
                }
            }
        }

        public ChunkResult Result() => new(_chunk.JobId, _chunk.ChunkId, _chunk.StartIndex, _succeeded > 0 ? _outputs : null, _errors, _durations, _worker.Name,
            Stopwatch.GetElapsedTime(_startedTimestamp))
        {
            Started = _startedAt,
        };

        private bool TrySend(WorkerProcess process)
        {
            using var buffer = new MemoryStream();
            using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(_runner.Info.Name);
                writer.Write(_chunk.ItemTimeout?.Ticks ?? 0);
                var left = _chunk.Deadline is { } deadline ? deadline - _worker.Time.GetUtcNow() : (TimeSpan?)null;
                writer.Write(left is not null);
                writer.Write(left?.Ticks ?? 0);
                writer.Write(_pending.Count - _next);
                for (var p = _next; p < _pending.Count; p++)
                {
                    var position = _pending[p];
                    writer.Write(position);
                    writer.Write(_inputs[position]!.Length);
                    writer.Write(_inputs[position]!);
                }
            }

            try
            {
                process.Send(KernelFrames.Chunk, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                _sentEnd = _pending.Count;
                return true;
            }
            catch (InvalidDataException)
            {
                // The items do not fit in one frame: send them one at a time instead, so only an item too large on its own fails.
                return SendOneByOne(process);
            }
            catch (IOException)
            {
                return false;
            }
        }

        private bool SendOneByOne(WorkerProcess process)
        {
            // Too large to send as one frame: fail the first item if it alone is too large, otherwise send only it, and go on from there.
            var position = _pending[_next];
            if (_inputs[position]!.Length + 64 > _worker.Processes.Options.MaxFrameBytes)
            {
                Fail(position, new ItemError(ItemStatus.Failed, KernelReasons.WorkerFailed,
                    $"Input {_chunk.StartIndex + position} is {_inputs[position]!.Length} bytes of JSON, more than a worker process takes in one frame ({_worker.Processes.Options.MaxFrameBytes} bytes, Grid:Isolation:MaxFrameBytes)."));
                _next++;
                _sentEnd = _next;
                return _next >= _pending.Count || TrySend(process);
            }

            var saved = _pending.Count;
            var rest = _pending.GetRange(_next + 1, _pending.Count - _next - 1);
            _pending.RemoveRange(_next + 1, _pending.Count - _next - 1);
            try
            {
                return TrySend(process);
            }
            finally
            {
                _pending.AddRange(rest);
                Debug.Assert(_pending.Count == saved, "Every pending item is kept.");
            }
        }

        // Reads outcomes until every sent item has one, or the process had to go; the item it was running then gets the reason.
        private void Collect(WorkerProcess process, ItemLimits limits)
        {
            var end = _sentEnd;
            var itemStart = Stopwatch.GetTimestamp();
            var check = _worker.Processes.Options.MemoryCheckInterval;
            var stop = limits.ChunkToken;
            using var wake = stop.CanBeCanceled ? stop.Register(process.Wake) : default;
            var grace = _worker.Processes.Options.CancelGrace;
            long? stopSeenAt = null;
            while (_next < end)
            {
                var wait = Timeout.InfiniteTimeSpan;
                if (_hard is { } hard)
                {
                    wait = Clamp(hard - Stopwatch.GetElapsedTime(itemStart));
                }

                if (stopSeenAt is { } sent)
                {
                    var left = Clamp(grace - Stopwatch.GetElapsedTime(sent));
                    wait = wait == Timeout.InfiniteTimeSpan || left < wait ? left : wait;
                }

                if (_memoryLimit > 0 && (wait == Timeout.InfiniteTimeSpan || wait > check))
                {
                    wait = check;
                }

                if (!process.TryReceive(wait, out var frame))
                {
                    if (_hard is { } limit && Stopwatch.GetElapsedTime(itemStart) >= limit)
                    {
                        Kill(_runner.HardTimedOut(limit, $"its worker process {process.Id} was killed and replaced, and the other items go on"), itemStart);
                        return;
                    }

                    if (stopSeenAt is { } asked && Stopwatch.GetElapsedTime(asked) >= grace)
                    {
                        // The kernel does not look at its token: the job is over, so its process goes rather than hold the worker.
                        var stopped = limits.StopReason(_token)!;
                        var why = _token.IsCancellationRequested ? "The job was cancelled" : "The job's time limit passed";
                        Kill(stopped with
                        {
                            Status = _token.IsCancellationRequested ? ItemStatus.Cancelled : ItemStatus.TimedOut,
                            Message = $"{why} while the item ran, and kernel '{_runner.Info.Name}' did not stop within {grace.TotalSeconds:0.###} s of its token being signalled (Grid:Isolation:CancelGrace): its worker process {process.Id} was killed and replaced.",
                        }, itemStart);
                        return;
                    }

                    if (_memoryLimit > 0 && process.ResidentBytes() is { } resident && resident > _memoryLimit)
                    {
                        Kill(OutOfMemory(resident, process.Id), itemStart);
                        return;
                    }

                    continue;
                }

                if (frame.IsEnd)
                {
                    var problem = frame.Malformed ? $"it broke the framing ({frame.Problem})" : null;
                    if (problem is not null)
                    {
                        _worker.DiscardProcess();
                        Finish(new ItemError(ItemStatus.Failed, KernelReasons.WorkerFailed,
                            $"Kernel '{_runner.Info.Name}''s worker process {process.Id} sent a malformed reply while running the item: {problem}; it was killed and replaced."), itemStart);
                        return;
                    }

                    var exit = process.DescribeExit();
                    _worker.DiscardProcess();
                    Finish(new ItemError(ItemStatus.Failed, KernelReasons.WorkerCrashed,
                        $"Kernel '{_runner.Info.Name}' crashed its worker process {process.Id} while running the item ({exit}); the process was replaced and the other items go on."), itemStart);
                    return;
                }

                if (frame.Kind == 0 && !stop.IsCancellationRequested)
                {
                    // A wake meant for an earlier chunk of this process, whose job ended as its last reply came: not this chunk's.
                    continue;
                }

                if (frame.Kind == 0)
                {
                    // Woken by the job's cancellation or its time limit: the process's kernel sees its token (it keeps the job's
                    // deadline itself and is told of a cancellation); the remaining items come back cancelled or timed out.
                    if (stopSeenAt is null)
                    {
                        stopSeenAt = Stopwatch.GetTimestamp();
                        if (_token.IsCancellationRequested)
                        {
                            TrySendCancel(process);
                        }
                    }

                    continue;
                }

                if (!TryAccept(frame, process.Id, out var outOfMemory))
                {
                    _worker.DiscardProcess();
                    Finish(new ItemError(ItemStatus.Failed, KernelReasons.WorkerFailed,
                        $"Kernel '{_runner.Info.Name}''s worker process {process.Id} sent a malformed reply for the item; it was killed and replaced."), itemStart);
                    return;
                }

                itemStart = Stopwatch.GetTimestamp();
                if (outOfMemory)
                {
                    // A process that ran out of memory is not trusted with the next item.
                    _worker.DiscardProcess();
                    return;
                }
            }
        }

        private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait;

        private static void TrySendCancel(WorkerProcess process)
        {
            try
            {
                process.Send(KernelFrames.Cancel, []);
            }
            catch (IOException)
            {
                // The process is gone; the end of its output follows.
            }
        }

        private bool TryAccept(WorkerFrame frame, int processId, out bool outOfMemory)
        {
            outOfMemory = false;
            if (frame.Kind != KernelFrames.Item)
            {
                return false;
            }

            var position = _pending[_next];
            try
            {
                using var reader = new BinaryReader(new MemoryStream(frame.Payload, writable: false));
                if (reader.ReadInt32() != position)
                {
                    return false;
                }

                var status = reader.ReadByte();
                var duration = TimeSpan.FromTicks(Math.Max(0, reader.ReadInt64()));
                var resident = reader.ReadInt64();
                _durations[position] = duration;
                if (status == (byte)ItemStatus.Ok)
                {
                    var length = reader.ReadInt32();
                    var json = length >= 0 && length <= frame.Payload.Length ? reader.ReadBytes(length) : throw new InvalidDataException("bad value length");
                    if (_memoryLimit > 0 && resident > _memoryLimit)
                    {
                        outOfMemory = true;
                        Fail(position, OutOfMemory(resident, processId));
                    }
                    else
                    {
                        Succeed(position, json);
                    }
                }
                else if (status is (byte)ItemStatus.Failed or (byte)ItemStatus.TimedOut or (byte)ItemStatus.Cancelled)
                {
                    var type = reader.ReadString();
                    var message = reader.ReadString();
                    var detail = reader.ReadString();
                    outOfMemory = type == KernelReasons.OutOfMemory || (_memoryLimit > 0 && resident > _memoryLimit);
                    Fail(position, outOfMemory && type != KernelReasons.OutOfMemory
                        ? OutOfMemory(resident, processId)
                        : new ItemError((ItemStatus)status, type, message) { Detail = detail.Length == 0 ? null : detail });
                }
                else
                {
                    return false;
                }

                if (reader.BaseStream.Position != frame.Payload.Length)
                {
                    return false;
                }
            }
            catch (Exception exception) when (exception is EndOfStreamException or IOException or FormatException or ArgumentException)
            {
                return false;
            }

            _next++;
            return true;
        }

        private void Succeed(int position, byte[] json)
        {
            try
            {
                _outputs[position] = JsonSerializer.Deserialize<TOut>(json, ItemJson.Options)!;
                _succeeded++;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Bytes from another process: malformed JSON, or a value whose type's constructor refuses it, fails only this item.
                Fail(position, new ItemError(ItemStatus.Failed, exception.GetType().FullName!,
                    $"Kernel '{_runner.Info.Name}''s value for the item could not be read as {typeof(TOut).FullName}: {exception.Message}"));
            }
        }

        private ItemError OutOfMemory(long resident, int processId) => new(
            ItemStatus.Failed,
            KernelReasons.OutOfMemory,
            $"Kernel '{_runner.Info.Name}' used more memory than its limit of {_memoryLimit >> 20} MB (its worker process {processId} reached {resident >> 20} MB); the process was killed and replaced, and the other items go on.");

        private void Kill(ItemError error, long itemStart)
        {
            _worker.DiscardProcess();
            Finish(error, itemStart);
        }

        // The current item ends with the error; the items after it are sent again to the next process.
        private void Finish(ItemError error, long itemStart)
        {
            var position = _pending[_next];
            _durations[position] = Stopwatch.GetElapsedTime(itemStart);
            Fail(position, error);
            _next++;
        }

        private void Fail(int position, ItemError error)
        {
            _outputs[position] = default!;
            (_errors ??= new ItemError?[_chunk.Count])[position] = error;
        }

        private void FailRest(ItemError error)
        {
            for (; _next < _pending.Count; _next++)
            {
                Fail(_pending[_next], error);
            }
        }
    }
}
