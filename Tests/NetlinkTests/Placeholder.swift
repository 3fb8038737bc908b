import Testing

@Test func netlinkBuilds() {}
