import GRDB

extension StoreDatabase {
    /// Cached subscriber balances, by number.
    public func subscribers() throws -> [SubscriberRecord] {
        try pool.read { try SubscriberRecord.order(Column("msisdn")).fetchAll($0) }
    }
}
