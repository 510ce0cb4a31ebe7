import Synchronization

/// Everything the sandbox remembers, shared by every event loop.
///
/// Each part sits behind its own `Mutex` so that a quote (which needs none of them) or a token
/// check never waits for the order engine. The market itself is a pure function of the seed and
/// the clock, so it needs no lock at all.
public final class SandboxState: Sendable {
    /// The settings it was started with.
    public let configuration: SandboxConfiguration
    /// Real time plus the admin offset.
    public let clock: SandboxClock
    /// Prices of everything.
    public let pricer: MarketPricer
    /// The demo users, the default login first.
    public let users: [DemoUser]
    /// OAuth codes and tokens.
    public let oauth = Mutex(OAuthStore())
    /// Accounts and orders.
    public let brokerage: Mutex<Brokerage>
    /// Injected faults.
    public let faults = Mutex(FaultPlan())
    /// Whether any fault rule exists: lets the common path skip the faults lock.
    public let hasFaults = Atomic<Bool>(false)
    /// The order throttle.
    public let limiter: Mutex<OrderRateLimiter>

    /// A world for `configuration`, opened at the clock's current time.
    public init(configuration: SandboxConfiguration, clock: SandboxClock = SandboxClock()) {
        self.configuration = configuration
        self.clock = clock
        pricer = MarketPricer(model: PriceModel(seed: configuration.seed))
        users = DemoUsers.make(seed: configuration.seed)
        brokerage = Mutex(Brokerage(users: users, pricer: pricer, seed: configuration.seed, now: clock.now()))
        limiter = Mutex(OrderRateLimiter(limit: configuration.orderRequestsPerMinute))
    }

    /// The demo user with `login`.
    public func user(login: String) -> DemoUser? { users.first { $0.login == login } }

    /// The demo user a live access token belongs to.
    public func user(accessToken: String) -> DemoUser? {
        let now = clock.now()
        guard let login = oauth.withLock({ $0.login(forAccessToken: accessToken, now: now) }) else { return nil }
        return user(login: login)
    }
}
