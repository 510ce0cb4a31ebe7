/// One event waiting for an object: what to run when its turn comes, or how to fail it.
///
/// Exactly one of `run` and `fail` is called for every job.
struct ObjectJob: Sendable {
    /// Runs the event on the live instance; `isFirst` is true for the activation's first event,
    /// and `generation` names the activation (see `ObjectMailbox.generation`).
    let run: @Sendable (any DurableObject, _ isFirst: Bool, _ generation: UInt64) async -> Void
    /// Reports why the event was never run.
    let fail: @Sendable (ObjectHostError) -> Void
}

/// An object's serial executor: a FIFO queue drained by one task, one job at a time.
///
/// Swift actors are not enough here: an actor interleaves another call whenever the running one
/// suspends (say, on a KV read), and it does not promise arrival order among waiting callers.
/// Here the host appends jobs under its lock, so the queue order *is* the arrival order, and the
/// single consumer awaits each job to completion before it takes the next, so an object's events
/// never overlap even when they suspend. Different objects have different mailboxes and run in
/// parallel on the cooperative pool.
final class ObjectMailbox: Sendable {
    /// The object served.
    let address: ObjectAddress
    /// Tells this activation apart from earlier and later ones of the same object.
    let generation: UInt64
    /// The jobs, in arrival order; finishing it ends the activation once the queue is drained.
    let jobs: AsyncStream<ObjectJob>
    private let continuation: AsyncStream<ObjectJob>.Continuation

    init(address: ObjectAddress, generation: UInt64) {
        self.address = address
        self.generation = generation
        (jobs, continuation) = AsyncStream.makeStream(of: ObjectJob.self, bufferingPolicy: .unbounded)
    }

    /// Appends a job; false once the mailbox is closed.
    func enqueue(_ job: ObjectJob) -> Bool {
        if case .enqueued = continuation.yield(job) { return true }
        return false
    }

    /// Accepts no more jobs; those already queued still run.
    func close() { continuation.finish() }
}
