import SuanliKit

/// View models for accessible forms (SPEC T7): every control has a label, an optional hint, and its
/// error text tied to it with aria-describedby; the layout shows an error summary linking to fields.
struct FieldView: Sendable {
    var name: String
    var label: String
    var hint: String?
    var type: String = "text"
    var value: String = ""
    var error: String?
    var required = false
    var autocomplete: String?
    var readonly = false
    var isInput = true
    var isTextarea = false
    var isSelect = false
    var isCheckbox = false
    /// Several checkboxes under one name (a multi-select), in their own fieldset.
    var isChoices = false
    var checked = false
    var options: [OptionView] = []
}

struct OptionView: Sendable {
    var value: String
    var label: String
    var selected: Bool
}

struct FieldGroup: Sendable {
    var legend: String
    var fields: [FieldView]
    var note: String? = nil
    /// A correction leaves the parts the operator did not open read-only (SPEC C4.1).
    var disabled = false
}

struct HiddenField: Sendable {
    var name: String
    var value: String
}

struct FormView: Sendable {
    var action: String
    var submit: String
    /// A search or filter form: GET, and no CSRF token (it would end up in the URL).
    var isGet = false
    var confirm: String?
    var hidden: [HiddenField] = []
    var groups: [FieldGroup] = []
    var fields: [FieldView] = []
    var secondaryHref: String?
    var secondaryLabel: String?
    var multipart = false
}

struct LinkView: Sendable {
    var href: String
    var label: String
}

/// The generic page: a heading, text, an optional secret shown once, an optional form, links.
struct SimplePage: Sendable {
    var heading: String
    var intro: String?
    var paragraphs: [String] = []
    var secret: String?
    var form: FormView?
    var links: [LinkView] = []
    var narrow = true
}

/// Builds fields with labels from the catalogue and errors from a failed submission.
struct FieldFactory {
    let renderer: Renderer
    let language: Language
    let values: [String: String]
    let errors: [FieldError]

    func t(_ key: String) -> String { renderer.text(key, language) }

    func error(_ name: String) -> String? {
        let messages = errors.filter { $0.field == name }.map { $0.message(language) }
        return messages.isEmpty ? nil : messages.joined(separator: " ")
    }

    func input(_ name: String, label: String? = nil, type: String = "text", hint: String? = nil, required: Bool = true,
               autocomplete: String? = nil, value: String? = nil, readonly: Bool = false) -> FieldView {
        let hintKey = "field_\(name)_hint"
        let catalogueHint = renderer.text(hintKey, language)
        return FieldView(
            name: name, label: label ?? t("field_\(name)"),
            hint: hint.map { $0.isEmpty ? nil : $0 } ?? (catalogueHint == hintKey ? nil : catalogueHint), type: type,
            // Passwords are never echoed back into a page.
            value: type == "password" ? "" : (value ?? values[name] ?? ""), error: error(name), required: required,
            autocomplete: autocomplete, readonly: readonly)
    }

    func textarea(_ name: String, required: Bool = false) -> FieldView {
        var field = input(name, required: required)
        field.isInput = false
        field.isTextarea = true
        return field
    }

    func select(_ name: String, options: [(String, String)], label: String? = nil, required: Bool = true) -> FieldView {
        var field = input(name, label: label, required: required)
        field.isInput = false
        field.isSelect = true
        let current = values[name] ?? options.first?.0 ?? ""
        field.options = options.map { OptionView(value: $0.0, label: $0.1, selected: $0.0 == current) }
        return field
    }

    func choices(_ name: String, options: [(String, String)], selected: Set<String>, label: String,
                 required: Bool = false) -> FieldView {
        var field = input(name, label: label, required: required)
        field.isInput = false
        field.isChoices = true
        field.options = options.map { OptionView(value: $0.0, label: $0.1, selected: selected.contains($0.0)) }
        return field
    }

    func checkbox(_ name: String, label: String) -> FieldView {
        var field = input(name, label: label)
        field.isInput = false
        field.isCheckbox = true
        field.checked = values[name] == "yes"
        return field
    }
}
