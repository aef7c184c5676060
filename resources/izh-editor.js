/**
 * What the edit dialogs of @spiking-red/node-red-izhikevich share, loaded by every node's .html
 * as <script src="resources/@spiking-red/node-red-izhikevich/izh-editor.js"> (Node-RED loads it
 * before the node definitions). It fetches the schema of every node kind from the runtime
 * (GET izh/schema, lib/engine/schema.ts) and gives the dialogs:
 *  - isBlank, numberOf, valueOf: the helpers each dialog used to copy;
 *  - validator(type, field, extra): a registerType validator from the schema (required, bounds,
 *    whole numbers, choices, lists, typed fields), checked only when the field belongs to the
 *    choices made; `extra` adds what involves other fields;
 *  - prepare(node, options) in oneditprepare: migrates an older node, fills labels, notes,
 *    hints, placeholders and tooltips, makes typed fields typedInputs (number or env variable),
 *    builds rows (`data-izh-rows`), and shows the fields of the choices made (`data-izh-field`);
 *  - save(node) in oneditsave: the node is saved with this release's config version;
 *  - t(key): a text by its i18n key, through RED._ (a catalog of the node set) or in English.
 * Until the schema has arrived the validators accept everything; when it arrives every node of
 * ours is validated again.
 */
/* global RED, $ */
(function () {
    "use strict";
    if (window.IzhEditor) { return; }

    var MODULE = "@spiking-red/node-red-izhikevich";
    var TYPES = ["izh-clock", "izh-source", "izh-neuron", "izh-synapse", "izh-spike-generator",
        "izh-spike-monitor", "izh-state-monitor", "izh-rate-monitor", "izh-weight-monitor"];
    /** icons of the rows prepare() builds */
    var ICONS = {
        live: "fa-line-chart", format: "fa-area-chart", chartPoints: "fa-compress", window: "fa-history", svg: "fa-picture-o",
        bin: "fa-bar-chart", smoothing: "fa-line-chart", every: "fa-clock-o", bins: "fa-bar-chart", maxValues: "fa-database"
    };

    var loaded = null;      // the served schema
    var failure = null;     // why it could not be loaded
    var waiting = [];
    var editing = null;     // id of the node whose dialog is open

    var IZH = window.IzhEditor = {};

    // ---- helpers -------------------------------------------------------------------------------

    function isBlank(v) {
        return v === undefined || v === null || String(v).trim() === "";
    }
    function numberOf(v) {
        return isBlank(v) ? NaN : Number(String(v).trim());
    }
    function escape(s) {
        return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    }
    /** 0.333333 -> "0.333", Infinity -> "\u221e" */
    function short(x) {
        var n = Number(x);
        if (n === Infinity) { return "\u221e"; }
        if (n === -Infinity) { return "\u2212\u221e"; }
        return isFinite(n) && !isBlank(x) ? String(Math.round(n * 1000) / 1000) : String(x);
    }
    function listOf(v) {
        return String(v === undefined || v === null ? "" : v).split(/[\s,;]+/).filter(function (s) { return s !== ""; });
    }
    IZH.isBlank = isBlank;
    IZH.numberOf = numberOf;
    IZH.escape = escape;
    IZH.short = short;
    IZH.listOf = listOf;

    // ---- the schema ----------------------------------------------------------------------------

    /** The served schema writes infinite defaults and bounds as strings. */
    function revive(value) {
        if (value === "Infinity") { return Infinity; }
        if (value === "-Infinity") { return -Infinity; }
        if (Array.isArray(value)) { return value.map(revive); }
        if (value && typeof value === "object") {
            var out = {};
            Object.keys(value).forEach(function (k) { out[k] = revive(value[k]); });
            return out;
        }
        return value;
    }

    function arrived() {
        var queue = waiting;
        waiting = [];
        queue.forEach(function (fn) {
            try { fn(); } catch (e) { console.warn("izh-editor:", e); }
        });
        // nodes imported before the schema came were accepted as they were: look again
        if (loaded && RED.nodes && RED.editor && RED.editor.validateNode) {
            RED.nodes.eachNode(function (n) {
                if (TYPES.indexOf(n.type) !== -1) { RED.editor.validateNode(n); }
            });
            if (RED.view && RED.view.redraw) { RED.view.redraw(true); }
        }
    }

    function load() {
        $.ajax({ url: "izh/schema", dataType: "json", cache: false }).done(function (data) {
            loaded = revive(data);
            arrived();
        }).fail(function (xhr) {
            failure = xhr && xhr.status ? xhr.status + " " + (xhr.statusText || "") : t("izh.editor.noResponse");
            console.warn("izh-editor: GET izh/schema failed: " + failure);
            arrived();
        });
    }

    /** Runs fn once the schema has arrived (or could not be loaded); at once when it has. */
    IZH.ready = function (fn) {
        if (loaded || failure) { fn(); } else { waiting.push(fn); }
    };
    IZH.loaded = function () { return loaded !== null; };
    IZH.failure = function () { return failure; };
    IZH.version = function () { return loaded ? loaded.version : undefined; };
    IZH.schema = function (type) { return loaded ? loaded.schemas[type] : undefined; };

    // ---- text ----------------------------------------------------------------------------------

    function fill(text, vars) {
        return String(text).replace(/__(\w+)__/g, function (m, name) {
            return vars && vars[name] !== undefined ? String(vars[name]) : m;
        });
    }
    /**
     * A text by its i18n key: from the message catalog of the node set the key starts with (keys
     * of all dialogs, `izh.`, belong to izh-clock's), else the English the schema came with.
     */
    IZH.t = function (key, vars) {
        if (!key) { return ""; }
        var set = key.split(".")[0];
        var ns = MODULE + "/" + (TYPES.indexOf(set) !== -1 ? set : "izh-clock");
        var full = ns + ":" + key;
        var text;
        try { text = RED._(full, vars); } catch (e) { text = full; }
        if (typeof text !== "string" || text === full || text === key) {
            var english = loaded && loaded.messages[key];
            text = fill(english !== undefined ? english : key, vars);
        }
        return text;
    };
    var t = IZH.t;

    // ---- fields --------------------------------------------------------------------------------

    function defaultOf(type, name) {
        var s = IZH.schema(type);
        if (!s) { return undefined; }
        for (var i = 0; i < s.fields.length; i++) {
            if (s.fields[i].name === name) { return s.fields[i].default; }
        }
        return undefined;
    }

    /** Whether a field belongs to the choices made (blank choices count as their defaults). */
    function applies(type, field, choices) {
        if (!field.when) { return true; }
        return Object.keys(field.when).every(function (name) {
            var value = choices[name];
            if (isBlank(value)) { value = defaultOf(type, name); }
            return typeof value === "string" && field.when[name].indexOf(value) !== -1;
        });
    }

    /** The value of a field in the open edit dialog of this node, else the node's own. */
    function valueOf(node, name) {
        var input = $("#node-input-" + name);
        if (node && editing === node.id && input.length) {
            return input.attr("type") === "checkbox" ? input.prop("checked") : input.val();
        }
        return node ? node[name] : undefined;
    }
    IZH.valueOf = valueOf;

    /** The values of every choice field of a node (dialog first). */
    function choicesOf(type, node) {
        var s = IZH.schema(type);
        var choices = {};
        if (s) {
            s.fields.forEach(function (f) {
                if (f.kind === "choice") { choices[f.name] = valueOf(node, f.name); }
            });
        }
        return choices;
    }
    IZH.choicesOf = function (node) { return choicesOf(node.type, node); };

    /** The variants of a field (most fields have one). */
    function variantsOf(type, name, form) {
        var s = IZH.schema(type);
        if (!s) { return []; }
        var list = form !== undefined ? (s.forms && s.forms[form] ? s.forms[form].params : []) : s.fields;
        return list.filter(function (f) { return f.name === name; });
    }
    /** The field for the choices made: its applying variant, or null when none applies. */
    function fieldFor(type, name, choices, form) {
        var variants = variantsOf(type, name, form);
        for (var i = 0; i < variants.length; i++) {
            if (applies(type, variants[i], choices)) { return variants[i]; }
        }
        return null;
    }
    IZH.field = function (type, name, choices, form) {
        return fieldFor(type, name, choices || {}, form) || variantsOf(type, name, form)[0] || null;
    };
    /** Whether any variant of the field belongs to the choices made. */
    IZH.applies = function (type, name, choices) {
        return fieldFor(type, name, choices, undefined) !== null;
    };

    // ---- checking values ---------------------------------------------------------------------

    function invalid(kind, field, extra) {
        var vars = { field: field.name };
        Object.keys(extra || {}).forEach(function (k) { vars[k] = extra[k]; });
        return t("izh.invalid." + kind, vars);
    }

    /** A number against a field's bounds: true or the reason. */
    function checkNumber(field, x, whole) {
        if (!isFinite(x)) { return invalid("number", field); }
        if ((whole || field.integer) && Math.floor(x) !== x) { return invalid("whole", field); }
        if (field.above !== undefined && !(x > field.above)) { return invalid("above", field, { bound: short(field.above) }); }
        if (field.min !== undefined && x < field.min) { return invalid("min", field, { bound: short(field.min) }); }
        if (field.max !== undefined && x > field.max) { return invalid("max", field, { bound: short(field.max) }); }
        return true;
    }

    /**
     * A per-neuron expression, loosely: text with a variable i, N, r, r2 ... r9 and balanced
     * parentheses (the runtime checks it exactly when the flow is deployed).
     */
    function isExpression(value) {
        var text = String(value).trim();
        if (text.length > 2000 || !/[A-Za-z]/.test(text) || !/\b(i|N|r[2-9]?)\b/.test(text)) { return false; }
        var depth = 0;
        for (var i = 0; i < text.length; i++) {
            var c = text.charAt(i);
            if (c === "(") { depth++; }
            if (c === ")" && --depth < 0) { return false; }
        }
        return depth === 0;
    }
    IZH.isExpression = isExpression;

    function parseJson(text) {
        try { return { value: JSON.parse(text) }; } catch (e) { return null; }
    }

    /** The lists a field may hold (lib/engine parses them exactly; this is the dialog's check). */
    var LISTS = {
        numbers: function (value) {
            var bad = listOf(value).filter(function (s) { return !isFinite(Number(s)); });
            return bad.length === 0 || t("izh.editor.list.numbers");
        },
        pairs: function (value) {
            var text = String(value).trim();
            var rows;
            if (text.charAt(0) === "[") {
                var parsed = parseJson(text);
                if (!parsed) { return t("izh.editor.list.pairsJson"); }
                rows = parsed.value;
            } else {
                rows = text.split(/\n|;/).map(function (l) { return l.trim(); }).filter(function (l) { return l !== ""; })
                    .map(function (l) { return l.split(/[\s,]+/); });
            }
            if (!Array.isArray(rows) || rows.length === 0) { return t("izh.editor.list.pairsEmpty"); }
            var last = -Infinity;
            for (var i = 0; i < rows.length; i++) {
                var row = rows[i];
                if (!Array.isArray(row) || row.length !== 2) { return t("izh.editor.list.pairShape", { row: i + 1 }); }
                var tt = numberOf(row[0]), x = numberOf(row[1]);
                if (!isFinite(tt) || !isFinite(x)) { return t("izh.editor.list.pairNumbers", { row: i + 1 }); }
                if (!(tt > last)) { return t("izh.editor.list.pairOrder", { row: i + 1 }); }
                last = tt;
            }
            return true;
        },
        spikes: function (value, node) {
            var size = numberOf(valueOf(node, "size"));
            if (!isFinite(size)) { size = 1; }
            var text = String(value).trim();
            if (text.charAt(0) === "[") {
                var parsed = parseJson(text);
                if (!parsed) { return t("izh.editor.list.spikesJson"); }
                var rows = parsed.value;
                if (!Array.isArray(rows) || rows.length === 0) { return t("izh.editor.list.spikesEmpty"); }
                if (!rows.some(Array.isArray)) {
                    return rows.every(function (x) { return isFinite(Number(x)) && Number(x) >= 0; }) || t("izh.editor.list.spikeTimes");
                }
                for (var i = 0; i < rows.length; i++) {
                    var row = rows[i];
                    if (!Array.isArray(row) || row.length !== 2) { return t("izh.editor.list.spikeShape", { spike: i }); }
                    var tt = Number(row[0]), c = Number(row[1]);
                    if (!(isFinite(tt) && tt >= 0)) { return t("izh.editor.list.spikeTime", { spike: i }); }
                    if (!(Math.floor(c) === c && c >= 0 && c < size)) { return t("izh.editor.list.spikeChannel", { spike: i, last: size - 1 }); }
                }
                return true;
            }
            return listOf(text).every(function (s) { return isFinite(Number(s)) && Number(s) >= 0; }) ||
                t("izh.editor.list.spikeList");
        },
        connections: function (value) {
            var parsed = typeof value === "string" ? parseJson(value.trim()) : { value: value };
            if (!parsed) { return t("izh.editor.list.connectionsJson"); }
            var rows = parsed.value;
            if (rows && typeof rows === "object" && !Array.isArray(rows)) {
                return (Array.isArray(rows.pre) && Array.isArray(rows.post) && rows.pre.length === rows.post.length) ||
                    t("izh.editor.list.savedColumns");
            }
            if (!Array.isArray(rows) || rows.length === 0) { return t("izh.editor.list.connectionsEmpty"); }
            for (var i = 0; i < rows.length; i++) {
                var row = rows[i];
                if (!Array.isArray(row) || row.length < 2 || row.length > 4) { return t("izh.editor.list.connectionShape", { connection: i }); }
                for (var k = 0; k < 2; k++) {
                    var index = Number(row[k]);
                    if (!(Math.floor(index) === index && index >= 0)) { return t("izh.editor.list.connectionIndices", { connection: i }); }
                }
                if (row.length > 2 && row[2] !== null && row[2] !== "" && !isFinite(Number(row[2]))) { return t("izh.editor.list.connectionWeight", { connection: i }); }
                if (row.length > 3 && row[3] !== null && row[3] !== "" && !(Number(row[3]) > 0)) { return t("izh.editor.list.connectionDelay", { connection: i }); }
            }
            return true;
        },
        indices: function (value) {
            if (String(value).trim() === "all") { return true; }
            var items = listOf(value);
            if (items.length === 0) { return t("izh.editor.list.indicesEmpty"); }
            var bad = items.filter(function (s) { var x = Number(s); return !(isFinite(x) && Math.floor(x) === x && x >= 0); });
            return bad.length === 0 || t("izh.editor.list.indices");
        },
        variables: function (value, node, field) {
            var items = listOf(value);
            if (items.length === 0) { return t("izh.editor.list.variablesEmpty", { options: field.options.join(", ") }); }
            var bad = items.filter(function (x) { return field.options.indexOf(x) === -1; });
            return bad.length === 0 || t("izh.editor.list.variables", { options: field.options.join(", "), bad: bad.join(", ") });
        }
    };

    /**
     * Checks one value of a field for the choices made: true, or the reason. `choices` and `node`
     * give the other fields; neuron parameters pass their form.
     */
    function check(type, name, value, node, choices, form) {
        var field = fieldFor(type, name, choices, form);
        if (!field) { return true; }  // not a field of the choices made
        var kind = field.kind;
        if (kind === "typed") {
            var tv = valueOf(node, name + "Type");
            var ttype = isBlank(tv) ? "num" : tv;
            if ((field.types || []).indexOf(ttype) === -1) { return invalid("type", field); }
            // the name of a variable (as typedInput's env type stores it), or ${NAME}
            if (ttype === "env") { return /^(\$\{)?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(String(value === undefined || value === null ? "" : value).trim()) || invalid("env", field); }
            kind = "number";
        }
        if (kind === "boolean") { return true; }
        if (isBlank(value)) { return field.required ? invalid("required", field) : true; }
        switch (kind) {
            case "number":
            case "integer": {
                var x = numberOf(value);
                if (!isFinite(x) && field.perNeuron && isExpression(value)) { return true; }
                if (!isFinite(x) && field.perNeuron) {
                    return field.name + " must be a number or an expression of i, N, r, r2, \u2026 (e.g. -65 + 15 * r^2)";
                }
                return checkNumber(field, x, kind === "integer");
            }
            case "choice":
                return field.options.indexOf(String(value)) !== -1 || invalid("option", field, { options: field.options.join(", ") });
            case "expression":
                return String(value).trim().length <= (field.maxLength || 2000) || invalid("long", field, { bound: field.maxLength });
            case "range": {
                var m = /^(\d+)\s*(?:-\s*(\d+))?$/.exec(String(value).trim());
                if (!m) { return field.name + " must be a range of neuron indices first-last (e.g. 0-799), one index, or blank for all"; }
                return m[2] === undefined || Number(m[2]) >= Number(m[1]) || field.name + " must not end before it starts";
            }
            case "list": {
                var ok = LISTS[field.format] ? LISTS[field.format](value, node, field) : true;
                return ok === true || invalid("list", field, { reason: field.name + " " + ok });
            }
            default:
                return true;
        }
    }
    IZH.check = function (type, name, value, node, form) {
        if (!loaded) { return true; }
        return check(type, name, value, node, choicesOf(type, node), form);
    };

    /**
     * A validator for registerType's defaults (v, opt): the schema's rules for the field, when it belongs to
     * the choices made, then `extra.call(node, value, number)` for what involves other fields
     * (only for a non-blank value of a field that applies).
     */
    IZH.validator = function (type, name, extra) {
        // two parameters: Node-RED takes a string from such a validator as the reason
        return function (v, opt) {
            if (!loaded) { return true; }
            var choices = choicesOf(type, this);
            var ok = check(type, name, v, this, choices);
            if (ok !== true || !extra || isBlank(v) || !fieldFor(type, name, choices)) { return ok; }
            return extra.call(this, v, numberOf(v));
        };
    };

    // ---- versions --------------------------------------------------------------------------------

    /** A config of an older version as this release writes it (the runtime's migrate, lib/engine/schema.ts). */
    IZH.migrate = function (type, config) {
        var out = $.extend({}, config);
        if (!loaded) { return out; }
        var steps = loaded.migrations[type] || [];
        var from = isBlank(config.version) ? 1 : Number(config.version);
        if (!(from >= 1)) { from = 1; }
        if (from >= loaded.version) { return out; }
        steps.forEach(function (step) {
            if (step.to <= from) { return; }
            Object.keys(step.rename || {}).forEach(function (old) {
                if (old in out) {
                    if (isBlank(out[step.rename[old]])) { out[step.rename[old]] = out[old]; }
                    delete out[old];
                }
            });
            Object.keys(step.add || {}).forEach(function (name) {
                if (isBlank(out[name])) { out[name] = step.add[name]; }
            });
        });
        out.version = loaded.version;
        return out;
    };

    // ---- the dialog ------------------------------------------------------------------------------

    /** The text a placeholder shows: "required", "blank: 0", or in `compact` style just "0". */
    function placeholderOf(field, style) {
        if (field.kind === "choice" || field.kind === "boolean") { return ""; }
        var value;
        if (field.required && field.example && style !== "label") { return t(field.example); }
        if (field.required) { value = null; }
        else if (field.blank) { value = t(field.blank); }
        else if (field.default !== undefined && field.default !== null) { value = short(field.default); }
        else { return ""; }
        if (style === "label") { return value === null ? t(field.label) : t(field.label) + ": " + value; }
        if (value === null) { return t("izh.required"); }
        return style === "compact" ? value : t("izh.blank", { value: value });
    }
    IZH.placeholderOf = placeholderOf;

    /** A field's tooltip: its help, and what blank means. */
    function titleOf(field) {
        var help = field.help ? t(field.help) : t(field.label);
        if (field.required) { return help + " (" + t("izh.required") + ")"; }
        var blank = placeholderOf(field, "");
        return blank ? help + "; " + blank : help;
    }
    IZH.titleOf = titleOf;

    /** The visible input of a field (a typedInput's own input). */
    function visibleInput(name) {
        var el = $("#node-input-" + name);
        var widget = el.data("noderedTypedInput");
        return widget && widget.input ? widget.input : el;
    }
    IZH.input = visibleInput;

    /** A row for a field, as the monitors' dialogs have them (prepare builds rows from data-izh-rows). */
    function rowOf(type, field, node) {
        var id = "node-input-" + field.name;
        var row = $('<div class="form-row"></div>').attr("data-izh-field", field.name);
        var label = $("<label></label>").attr("for", id).append($("<i></i>").addClass("fa " + (ICONS[field.name] || "fa-cog"))).append(" ").append($("<span></span>").text(t(field.label)));
        row.append(label);
        var value = node[field.name];
        if (field.kind === "boolean") {
            var box = $('<input type="checkbox" style="display: inline-block; width: auto; vertical-align: top;">').attr("id", id).prop("checked", value === true || value === "true");
            row.append(box).append($('<label style="width: 70%;"></label>').attr("for", id).text(field.help ? t(field.help) : ""));
        } else if (field.kind === "choice") {
            var select = $('<select style="width: 70%;"></select>').attr("id", id);
            field.options.forEach(function (o) {
                var hint = field.hints && field.hints[o] ? ": " + t(field.hints[o]) : "";
                $("<option></option>").val(o).text(o + hint).appendTo(select);
            });
            select.val(isBlank(value) ? field.default : value);
            row.append(select);
        } else {
            var input = $('<input type="text" style="width: 120px;" data-izh-placeholder="compact">').attr("id", id).val(value === undefined || value === null ? "" : value);
            row.append(input);
            if (field.help) { row.append($('<span class="izh-note"></span>').text(t(field.help))); }
        }
        // a row built here missed Node-RED's change handlers: mark it ourselves
        row.find("#" + id).on("change keyup", function () {
            var def = node._def.defaults[field.name];
            var v = $(this).attr("type") === "checkbox" ? $(this).prop("checked") : $(this).val();
            var ok = def && def.validate ? def.validate.call(node, v) : true;
            $(this).toggleClass("input-error", ok !== true);
            if (ok !== true && typeof ok === "string") { $(this).attr("title", ok); }
        });
        return row;
    }

    /**
     * Prepares the open edit dialog of `node` (call it from oneditprepare). Options:
     *  - onChange(choices): after every change of a choice, once the rows are shown or hidden;
     *  - ready(): once the schema is there and the dialog is built.
     */
    IZH.prepare = function (node, options) {
        options = options || {};
        editing = node.id;
        var type = node.type;
        var form = $("#dialog-form");
        if (!form.length) { form = $("#node-input-name").closest("form"); }
        IZH.ready(function () {
            if (editing !== node.id) { return; }
            var s = IZH.schema(type);
            if (!s) {
                $('<div class="form-tips izh-unavailable"></div>').text(t("izh.unavailable", { error: failure || "?" })).prependTo(form);
                if (options.ready) { options.ready(); }
                return;
            }
            // an older node is shown as this release saves it
            var current = IZH.migrate(type, node);
            Object.keys(node._def.defaults).forEach(function (name) {
                var el = $("#node-input-" + name);
                if (el.length && el.attr("type") !== "checkbox" && current[name] !== node[name] && !isBlank(current[name]) && isBlank(el.val())) {
                    el.val(current[name]);
                }
            });
            // rows built from the schema
            form.find("[data-izh-rows]").each(function () {
                var holder = $(this).empty();
                String(holder.attr("data-izh-rows")).split(/\s+/).forEach(function (name) {
                    if (name) { holder.append(rowOf(type, variantsOf(type, name)[0], node)); }
                });
            });
            // a choice left blank shows the default the runtime uses (or a new node's)
            s.fields.forEach(function (f) {
                var el = $("#node-input-" + f.name);
                if (f.kind === "choice" && el.is("select") && !el.val() && f.default !== null && f.default !== undefined) { el.val(f.default); }
                if (f.kind === "typed" && el.length && !el.data("noderedTypedInput")) {
                    el.typedInput({ default: "num", types: f.types, typeField: "#node-input-" + f.name + "Type" });
                }
            });
            // notes (labels follow the choices: show() fills them)
            form.find("[data-izh-help]").each(function () {
                var name = $(this).attr("data-izh-help");
                var f = variantsOf(type, name)[0];
                if (f && f.help) { $(this).text(t(f.help)); }
            });
            var names = [];
            s.fields.forEach(function (f) { if (names.indexOf(f.name) === -1) { names.push(f.name); } });
            var show = function () {
                var choices = choicesOf(type, node);
                form.find("[data-izh-field]").each(function () {
                    var names = String($(this).attr("data-izh-field")).split(/\s+/);
                    $(this).toggle(names.some(function (n) { return fieldFor(type, n, choices) !== null; }));
                });
                names.forEach(function (name) {
                    var active = fieldFor(type, name, choices) || variantsOf(type, name)[0];
                    var el = $("#node-input-" + name);
                    if (!el.length || active.kind === "choice" || active.kind === "boolean" || name === "name") { return; }
                    var text = placeholderOf(active, el.attr("data-izh-placeholder") || "");
                    el.attr("placeholder", text);
                    visibleInput(name).attr("placeholder", text).attr("title", titleOf(active));
                });
                form.find("[data-izh-label]").each(function () {
                    var name = $(this).attr("data-izh-label");
                    var f = fieldFor(type, name, choices) || variantsOf(type, name)[0];
                    if (f) { $(this).text(t(f.label)); }
                });
                form.find("[data-izh-hint]").each(function () {
                    var name = $(this).attr("data-izh-hint");
                    var f = variantsOf(type, name)[0];
                    var value = choices[name];
                    if (isBlank(value) && f) { value = f.default; }
                    $(this).text(f && f.hints && f.hints[value] ? t(f.hints[value]) : "");
                });
                if (options.onChange) { options.onChange(choices); }
            };
            s.fields.forEach(function (f) {
                if (f.kind === "choice") { $("#node-input-" + f.name).on("change", show); }
            });
            show();
            if (options.ready) { options.ready(); }
        });
    };

    /** Ends the dialog (oneditsave): the node is saved with this release's config version. */
    IZH.save = function (node) {
        if (editing === node.id) { editing = null; }
        if (loaded) { node.version = loaded.version; }
    };
    /** Ends the dialog without saving (oneditcancel). */
    IZH.cancel = function (node) {
        if (editing === node.id) { editing = null; }
    };

    load();
}());
