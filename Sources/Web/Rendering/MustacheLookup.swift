import Mustache

// Explicit key lookup for the view models every page renders. Without it swift-mustache finds a key
// with `Mirror`, which demangles type names on every lookup, and a key missing from a row is looked up
// again in each enclosing context: a 50-row table cost ~1 ms a row in a release build and dominated the
// operator's application list (bench/grants_bench.py, issue 3's p95 target). The lookups keep the
// Mirror semantics: a nil optional answers nil, so the key is looked up in the enclosing context.
// `MustacheLookupTests` checks each type answers every stored property exactly as Mirror would.

extension PageView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "lang": lang
        case "title": title
        case "t": t
        case "user": user
        case "nav": nav
        case "csrf": csrf
        case "notice": notice
        case "errors": errors
        case "hasErrors": hasErrors
        case "errorCount": errorCount
        case "otherLanguage": otherLanguage
        case "otherLanguageLabel": otherLanguageLabel
        case "calendarToggle": calendarToggle
        case "calendarToggleLabel": calendarToggleLabel
        case "idleSeconds": idleSeconds
        case "today": today
        case "body": body
        default: nil
        }
    }
}

extension ErrorView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "field": field
        case "message": message
        default: nil
        }
    }
}

extension UserView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "email": email
        case "roleLabel": roleLabel
        default: nil
        }
    }
}

extension NavItem: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "href": href
        case "label": label
        default: nil
        }
    }
}

extension FieldView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "label": label
        case "hint": hint
        case "type": type
        case "value": value
        case "error": error
        case "required": required
        case "autocomplete": autocomplete
        case "readonly": readonly
        case "isInput": isInput
        case "isTextarea": isTextarea
        case "isSelect": isSelect
        case "isCheckbox": isCheckbox
        case "isChoices": isChoices
        case "checked": checked
        case "options": options
        default: nil
        }
    }
}

extension OptionView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}

extension FieldGroup: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "legend": legend
        case "fields": fields
        case "note": note
        case "disabled": disabled
        default: nil
        }
    }
}

extension HiddenField: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "value": value
        default: nil
        }
    }
}

extension FormView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "action": action
        case "submit": submit
        case "isGet": isGet
        case "confirm": confirm
        case "hidden": hidden
        case "groups": groups
        case "fields": fields
        case "secondaryHref": secondaryHref
        case "secondaryLabel": secondaryLabel
        case "multipart": multipart
        default: nil
        }
    }
}

extension LinkView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "href": href
        case "label": label
        default: nil
        }
    }
}

extension SimplePage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "heading": heading
        case "intro": intro
        case "paragraphs": paragraphs
        case "secret": secret
        case "form": form
        case "links": links
        case "narrow": narrow
        default: nil
        }
    }
}

extension GrantsPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "heading": heading
        case "back": back
        case "badge": badge
        case "intro": intro
        case "blocks": blocks
        default: nil
        }
    }
}

extension BadgeView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "tone": tone
        case "detail": detail
        default: nil
        }
    }
}

extension FactView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "term": term
        case "value": value
        case "href": href
        default: nil
        }
    }
}

extension CellView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "href": href
        default: nil
        }
    }
}

extension RowView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "cells": cells
        case "tone": tone
        default: nil
        }
    }
}

extension TableView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "caption": caption
        case "headers": headers
        case "rows": rows
        case "empty": empty
        // Computed, so Mirror never saw it: the empty row's colspan was blank before.
        case "columnCount": columnCount
        default: nil
        }
    }
}

extension BlockForm: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "formHeading": formHeading
        case "form": form
        default: nil
        }
    }
}

extension BlockView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "blockTitle": blockTitle
        case "anchor": anchor
        case "warning": warning
        case "paragraphs": paragraphs
        case "facts": facts
        case "hasFacts": hasFacts
        case "list": list
        case "hasList": hasList
        case "table": table
        case "svg": svg
        case "forms": forms
        case "links": links
        default: nil
        }
    }
}
