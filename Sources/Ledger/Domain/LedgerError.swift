import SuanliKit

/// Everything the ledger refuses. One error type for the context (ARCHITECTURE "Errors"); `message`
/// words each for people, in both languages.
public enum LedgerError: Error, Hashable, Sendable {
    /// The balance cannot pay for this (balance never goes negative).
    case insufficientBalance(available: LedgerAmount, needed: LedgerAmount)
    case wrongSign(LedgerEntryKind, LedgerAmount)
    case alreadyGranted
    case duplicateReference(LedgerEntryKind, String)
    /// A usage or release for a reservation that is not open (never made, or already settled).
    case noOpenReservation(String)
    /// A release of more than the reservation still holds.
    case releaseExceedsHold(reference: String, held: LedgerAmount, released: LedgerAmount)
    case adjustmentNeedsReason
    case accountClosed
    case accountNotFound
    /// Usage is paid out of what its reservation has released; it may not exceed that.
    case usageExceedsReservation(reference: String, held: LedgerAmount, used: LedgerAmount)
    /// Term-end expiry while requests still hold points: they are released first.
    case openReservations(Int)
}

extension LedgerError {
    public var message: Bilingual {
        switch self {
        case .insufficientBalance(let available, let needed):
            Bilingual(zh: "點數不足：尚餘 \(available.pointsText) 點，本次需要 \(needed.pointsText) 點。",
                      en: "Not enough points: \(available.pointsText) left, this needs \(needed.pointsText).")
        case .wrongSign(let kind, let amount):
            Bilingual(zh: "「\(kind.zh)」分錄的金額方向不正確（\(amount.ticks)）。",
                      en: "A \(kind.en.lowercased()) entry cannot have the amount \(amount.ticks).")
        case .alreadyGranted:
            Bilingual(zh: "此帳戶已核撥過點數。", en: "This account has already been granted its points.")
        case .duplicateReference(let kind, let reference):
            Bilingual(zh: "已有相同編號（\(reference)）的「\(kind.zh)」分錄。",
                      en: "There is already a \(kind.en.lowercased()) entry for \(reference).")
        case .noOpenReservation(let reference):
            Bilingual(zh: "找不到未結清的預留（\(reference)）。", en: "No open reservation \(reference).")
        case .releaseExceedsHold(let reference, let held, let released):
            Bilingual(zh: "釋回 \(released.ticks) 超過預留（\(reference)）尚餘的 \(held.ticks)。",
                      en: "Releasing \(released.ticks) exceeds the \(held.ticks) still held by \(reference).")
        case .adjustmentNeedsReason:
            Bilingual(zh: "人工調整須填寫原因。", en: "An adjustment needs a reason.")
        case .accountClosed:
            Bilingual(zh: "計畫期程已結束，點數帳戶已關閉。", en: "The project's term has ended; its point account is closed.")
        case .accountNotFound:
            Bilingual(zh: "找不到點數帳戶。", en: "No such point account.")
        case .openReservations(let count):
            Bilingual(zh: "尚有 \(count) 筆預留未結清，請先釋回。", en: "\(count) reservation(s) are still open; release them first.")
        case .usageExceedsReservation(let reference, let held, let used):
            Bilingual(zh: "使用量 \(used.ticks) 超過預留（\(reference)）的 \(held.ticks)。",
                      en: "Usage \(used.ticks) exceeds the \(held.ticks) reserved by \(reference).")
        }
    }
}
