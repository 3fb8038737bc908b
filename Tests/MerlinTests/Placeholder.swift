import Testing

@Test func merlinBuilds() {}
