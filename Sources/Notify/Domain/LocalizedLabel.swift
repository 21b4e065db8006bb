import SuanliKit

/// Mail templates' name for the shared bilingual text type.
public typealias LocalizedLabel = Bilingual
