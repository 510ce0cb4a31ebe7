import Testing

@testable import Router

@Suite struct RouterConfigurationTests {
    /// Address, loopback or not.
    static let addresses: [(String, Bool)] = [
        ("127.0.0.1", true), ("127.1.2.3", true), ("::1", true), ("[::1]", true), ("localhost", true),
        ("0.0.0.0", false), ("192.168.1.10", false), ("::", false), ("128.0.0.1", false), ("127.0.0", false),
        ("127.0.0.256", false), ("", false),
    ]

    @Test(arguments: addresses)
    func onlyLoopbackAddressesCountAsLoopback(address: String, loopback: Bool) {
        #expect(RouterConfiguration.isLoopback(address) == loopback)
    }
}
