import Foundation
import Testing
@testable import Web

/// The view models answer template keys without reflection (`MustacheLookup.swift`, for the list and
/// ranking pages' speed — issue 3's benchmark). These tests hold each lookup to what `Mirror` gives:
/// every stored property, the same value, nil for an absent optional (so the key falls through to the
/// enclosing context, as before), and nil for an unknown key.
@Suite("Mustache lookups")
struct MustacheLookupTests {
    static func unwrap(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }

    static func sameAsMirror(_ value: Any, _ lookup: (String) -> Any?,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let children = Mirror(reflecting: value).children
        #expect(!children.isEmpty, sourceLocation: sourceLocation)
        for child in children {
            guard let label = child.label else { continue }
            let expected = unwrap(child.value)
            let actual = lookup(label)
            #expect((expected == nil) == (actual == nil),
                    "\(type(of: value)).\(label): Mirror \(String(describing: expected)), lookup \(String(describing: actual))",
                    sourceLocation: sourceLocation)
            if let expected, let actual {
                #expect(String(describing: expected) == String(describing: actual), "\(type(of: value)).\(label)",
                        sourceLocation: sourceLocation)
            }
        }
        #expect(lookup("noSuchKey") == nil, sourceLocation: sourceLocation)
    }

    static let field = FieldView(name: "q", label: "搜尋", hint: "案號", type: "search", value: "A-1", error: "必填",
                                 required: true, autocomplete: "off", readonly: true, isInput: false, isTextarea: true,
                                 isSelect: true, isCheckbox: true, isChoices: true, checked: true,
                                 options: [OptionView(value: "a", label: "甲", selected: true)])
    static let form = FormView(action: "/x", submit: "送出", isGet: true, confirm: "確定？",
                               hidden: [HiddenField(name: "id", value: "7")],
                               groups: [FieldGroup(legend: "公司", fields: [field], note: "說明", disabled: true)],
                               fields: [field], secondaryHref: "/back", secondaryLabel: "返回", multipart: true)
    static let table = TableView(caption: "共 1 件", headers: ["案號", "公司"],
                                 rows: [RowView(cells: [CellView(text: "A-1", href: "/a/1")], tone: "warn")], empty: "無")
    static let block = BlockView(title: "標題", anchor: "a", warning: "注意", paragraphs: ["段落"],
                                 facts: [FactView(term: "狀態", value: "送出", href: "/s")], list: ["一"], table: table,
                                 svg: "<svg/>", forms: [BlockForm(heading: "表單", form: form)],
                                 links: [LinkView(href: "/l", label: "連結")])
    static let page = GrantsPage(heading: "申請案", back: LinkView(href: "/b", label: "返回"),
                                 badge: BadgeView(text: "審查中", tone: "info", detail: "細節"), intro: "前言",
                                 blocks: [block])

    @Test("every populated view model answers each stored property as Mirror does")
    func populated() {
        Self.sameAsMirror(Self.field, Self.field.child(named:))
        Self.sameAsMirror(Self.field.options[0], Self.field.options[0].child(named:))
        Self.sameAsMirror(Self.form, Self.form.child(named:))
        Self.sameAsMirror(Self.form.groups[0], Self.form.groups[0].child(named:))
        Self.sameAsMirror(Self.form.hidden[0], Self.form.hidden[0].child(named:))
        Self.sameAsMirror(Self.table, Self.table.child(named:))
        Self.sameAsMirror(Self.table.rows[0], Self.table.rows[0].child(named:))
        Self.sameAsMirror(Self.table.rows[0].cells[0], Self.table.rows[0].cells[0].child(named:))
        Self.sameAsMirror(Self.block, Self.block.child(named:))
        Self.sameAsMirror(Self.block.facts[0], Self.block.facts[0].child(named:))
        Self.sameAsMirror(Self.block.forms[0], Self.block.forms[0].child(named:))
        Self.sameAsMirror(Self.block.links[0], Self.block.links[0].child(named:))
        Self.sameAsMirror(Self.page, Self.page.child(named:))
        Self.sameAsMirror(Self.page.badge!, Self.page.badge!.child(named:))
        let simple = SimplePage(heading: "h", intro: "i", paragraphs: ["p"], secret: "s", form: Self.form,
                                links: [LinkView(href: "/", label: "l")], narrow: false)
        Self.sameAsMirror(simple, simple.child(named:))
        let layout = PageView(lang: "zh-TW", title: "t", t: ["k": "v"], user: nil, nav: [NavItem(href: "/", label: "首頁")],
                              csrf: "c", notice: "n", errors: [ErrorView(field: "f", message: "m")], hasErrors: true,
                              errorCount: "1", otherLanguage: "en", otherLanguageLabel: "English",
                              calendarToggle: "gregorian", calendarToggleLabel: "西元", idleSeconds: "60", today: "115/11/23",
                              body: Self.page)
        Self.sameAsMirror(layout, layout.child(named:))
        Self.sameAsMirror(layout.nav[0], layout.nav[0].child(named:))
        Self.sameAsMirror(layout.errors[0], layout.errors[0].child(named:))
    }

    @Test("an absent optional answers nil, so the template looks the key up in the enclosing context")
    func absentOptionals() {
        let cell = CellView(text: "A-1", href: nil)
        #expect(cell.child(named: "href") == nil)
        #expect(RowView(cells: [cell], tone: nil).child(named: "tone") == nil)
        let block = BlockView()
        for key in ["blockTitle", "anchor", "warning", "table", "svg"] {
            #expect(block.child(named: key) == nil, "\(key)")
        }
        #expect(BlockForm(form: Self.form).child(named: "formHeading") == nil)
        Self.sameAsMirror(block, block.child(named:))
    }

    @Test("a table without rows renders its message across every column")
    func emptyTable() async throws {
        let renderer = try await Renderer.load()
        var block = Self.block
        block.table = TableView(caption: "共 0 件", headers: ["案號", "公司", "主題"], rows: [], empty: "沒有符合條件的申請案。")
        var page = Self.page
        page.blocks = [block]
        let layout = PageView(lang: "zh-TW", title: "t", t: [:], user: nil, nav: [], csrf: "c", notice: nil, errors: [],
                              hasErrors: false, errorCount: "0", otherLanguage: "en", otherLanguageLabel: "English",
                              calendarToggle: "gregorian", calendarToggleLabel: "西元", idleSeconds: nil, today: "115/11/23",
                              body: page)
        let html = try #require(renderer.library.render(layout, withTemplate: "grants"))
        #expect(html.contains(#"<td colspan="3">沒有符合條件的申請案。</td>"#))
        // A cell without a link shows its text plainly; the page's and block's own keys do not leak in.
        #expect(html.contains("<h2>標題</h2>"))
    }
}
