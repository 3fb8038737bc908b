import Testing

@Test func secretconnectionBuilds() {}
