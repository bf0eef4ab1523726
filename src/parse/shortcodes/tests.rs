//! Tests of `shortcodes`.

use super::*;

/// Renders a call as `name(args)[body]`, so tests can see what the callback received.
fn show(call: &Call) -> Result<String, String> {
    let mut s = call.name.to_owned();
    let args: Vec<String> = call
        .named
        .iter()
        .map(|(k, v)| format!("{k}={}", serde_json::to_string(v).unwrap()))
        .chain(
            call.positional
                .iter()
                .map(|v| serde_json::to_string(v).unwrap()),
        )
        .collect();
    if !args.is_empty() {
        s += &format!("({})", args.join(","));
    }
    if let Some(body) = call.body {
        s += &format!("[{body}]");
    }
    Ok(s)
}

fn run(src: &str) -> Expanded {
    expand(src, &mut show).unwrap()
}

/// Expands and puts the HTML back in place of the placeholders, as the page would.
fn flat(src: &str) -> String {
    let e = run(src);
    restore(&e.markdown, &e.html)
}

fn calls(src: &str) -> Vec<Call<'static>> {
    let mut seen = Vec::new();
    expand(src, &mut |c: &Call| {
        seen.push(Call {
            name: c.name.to_owned().leak(),
            named: c.named.clone(),
            positional: c.positional.clone(),
            body: c.body.map(|b| &*b.to_owned().leak()),
            markdown: c.markdown,
            line: c.line,
            col: c.col,
        });
        Ok(String::new())
    })
    .unwrap();
    seen
}

fn errors(src: &str) -> Vec<(usize, usize, String)> {
    let errs = expand(src, &mut show).unwrap_err();
    errs.iter()
        .map(|e| {
            let (l, c) = e.position();
            (l, c, e.to_string())
        })
        .collect()
}

fn s(v: &str) -> ArgValue {
    ArgValue::Str(v.to_owned())
}

#[test]
fn named_arguments_of_every_type() {
    let c =
        &calls("{{< x a=\"dq\" b='sq' c=`raw\\n` d=word e=3 f=-7 g=1.5 h=true i=false j=\"3\" >}}")
            [0];
    assert_eq!(
        c.named,
        vec![
            ("a".into(), s("dq")),
            ("b".into(), s("sq")),
            ("c".into(), s("raw\\n")),
            ("d".into(), s("word")),
            ("e".into(), ArgValue::Int(3)),
            ("f".into(), ArgValue::Int(-7)),
            ("g".into(), ArgValue::Float(1.5)),
            ("h".into(), ArgValue::Bool(true)),
            ("i".into(), ArgValue::Bool(false)),
            ("j".into(), s("3")),
        ]
    );
    assert!(c.positional.is_empty());
}

#[test]
fn positional_arguments_of_every_type() {
    let c = &calls("{{% x \"dq\" 'sq' `raw` word 3 -2.5e1 true false 1.2.3 %}}")[0];
    assert_eq!(
        c.positional,
        vec![
            s("dq"),
            s("sq"),
            s("raw"),
            s("word"),
            ArgValue::Int(3),
            ArgValue::Float(-25.0),
            ArgValue::Bool(true),
            ArgValue::Bool(false),
            s("1.2.3"),
        ]
    );
    assert!(c.named.is_empty());
    assert!(c.markdown);
}

#[test]
fn double_quotes_unescape_and_keep_other_text() {
    let c = &calls(r#"{{< x t="say \"hi\" > a\b" u='it "is"' v="{{ .X }}" >}}"#)[0];
    assert_eq!(
        c.named,
        vec![
            ("t".into(), s(r#"say "hi" > a\b"#)),
            ("u".into(), s(r#"it "is""#)),
            ("v".into(), s("{{ .X }}")),
        ]
    );
}

#[test]
fn arguments_serialize_untagged() {
    let v = vec![
        s("a"),
        ArgValue::Int(2),
        ArgValue::Float(0.5),
        ArgValue::Bool(true),
    ];
    assert_eq!(serde_json::to_string(&v).unwrap(), r#"["a",2,0.5,true]"#);
}

#[test]
fn multiline_arguments() {
    let c = &calls("{{< figure\n    src=\"a.png\"\n    alt=`two\nlines`\n>}}")[0];
    assert_eq!(
        c.named,
        vec![("src".into(), s("a.png")), ("alt".into(), s("two\nlines"))]
    );
}

#[test]
fn whitespace_variants() {
    assert_eq!(flat("{{<x>}}"), "x");
    assert_eq!(flat("{{<  x  >}}"), "x");
    assert_eq!(flat("{{< x >}}b{{< /x >}}"), "x[b]");
    assert_eq!(flat("{{<x>}}b{{</x>}}"), "x[b]");
    assert_eq!(flat("{{< x >}}b{{<  /  x  >}}"), "x[b]");
    assert_eq!(flat("{{%x a = 1%}}"), "x(a=1)");
    assert_eq!(flat("{{< docs/note-2 >}}"), "docs/note-2");
}

#[test]
fn html_form_goes_behind_a_placeholder() {
    let e = run("a {{< x >}} b");
    assert_eq!(e.markdown, format!("a {} b", placeholder(0)));
    assert_eq!(e.html, vec!["x".to_owned()]);
}

#[test]
fn markdown_form_goes_into_the_source() {
    let e = expand("a {{% x %}}*in*{{% /x %}} b", &mut |c: &Call| {
        Ok(format!("**{}**", c.body.unwrap()))
    })
    .unwrap();
    assert_eq!(e.markdown, "a ***in*** b");
    assert!(e.html.is_empty());
}

#[test]
fn paired_standalone_and_self_closing() {
    assert_eq!(flat("{{< x >}}in{{< /x >}}"), "x[in]");
    assert_eq!(flat("{{% x %}}in{{% /x %}}"), "x[in]");
    assert_eq!(flat("{{< x >}} and {{< y >}}"), "x and y");
    assert_eq!(flat("{{< x />}}a{{< x >}}b{{< /x >}}"), "xax[b]");
    assert_eq!(flat("{{% x /%}}"), "x");
    assert_eq!(flat("{{< x k=v />}}"), "x(k=\"v\")");
    assert_eq!(calls("{{< x >}}")[0].body, None);
    assert_eq!(calls("{{< x >}}{{< /x >}}")[0].body, Some(""));
}

#[test]
fn nested_calls_render_innermost_first() {
    let mut order = Vec::new();
    let e = expand(
        "{{% outer %}}A {{< mid >}}B {{% inner %}}{{% /inner %}}{{< /mid >}}{{% /outer %}}",
        &mut |c: &Call| {
            order.push(c.name.to_owned());
            show(c)
        },
    )
    .unwrap();
    assert_eq!(order, ["inner", "mid", "outer"]);
    assert_eq!(e.markdown, "outer[A mid[B inner[]]]");
    assert!(e.html.is_empty(), "nested output is inlined into the body");
}

#[test]
fn pairing_follows_nesting_level() {
    // `b` has no closing tag inside `a`, so it is standalone.
    assert_eq!(flat("{{< a >}}{{< b >}}{{< /a >}}"), "a[b]");
    // The closing tag closes the nearest open tag of its name.
    assert_eq!(
        flat("{{< a >}}1{{< a >}}2{{< /a >}}3{{< /a >}}"),
        "a[1a[2]3]"
    );
    assert_eq!(
        flat("{{< b >}}x{{< a >}}{{< b >}}{{< /a >}}{{< /b >}}"),
        "b[xa[b]]"
    );
}

#[test]
fn escapes_are_written_literally() {
    let src = "{{</* name x=\"y\" */>}} and {{%/* name */%}} and {{</* /name */>}}";
    let e = expand(src, &mut |_: &Call| panic!("escapes are not calls")).unwrap();
    assert_eq!(
        e.markdown,
        "{{< name x=\"y\" >}} and {{% name %}} and {{< /name >}}"
    );
}

#[test]
fn go_templates_are_untouched() {
    let go = "{{ .Values.image.tag }} {{- if .Values.x }}{{ template \"x\" . }}{{/* c */}}{{{";
    let src = format!("Use {go} here {{{{< x >}}}}\n\n```yaml\ntag: {go}\n```\n");
    let out = flat(&src);
    assert_eq!(out, format!("Use {go} here x\n\n```yaml\ntag: {go}\n```\n"));
}

#[test]
fn shortcodes_inside_fenced_code_are_expanded() {
    let src = "```\n{{% v %}} and {{< h >}}\n```\n";
    assert_eq!(flat(src), "```\nv and h\n```\n");
}

#[test]
fn fast_path_returns_source_unchanged() {
    let src = "plain {{ .Go }} text { { < % }";
    let e = expand(src, &mut |_: &Call| panic!("no calls")).unwrap();
    assert_eq!(e.markdown, src);
    assert_eq!(e.html.capacity(), 0);
    assert!(!has_shortcodes(src));
    assert!(!has_shortcodes("{{ x }} {{- y }} {{"));
    assert!(has_shortcodes("{{{< x"));
    assert!(has_shortcodes("a {{% x"));
    assert_eq!(find_open("{{{< x", 0), Some(1));
}

#[test]
fn call_positions_are_one_based_characters() {
    let c = calls("ab\nçé {{< x >}}\n  {{% y %}}");
    assert_eq!((c[0].line, c[0].col), (2, 4));
    assert_eq!((c[1].line, c[1].col), (3, 3));
}

#[test]
fn unclosed_tag_error() {
    assert_eq!(
        errors("x\n  {{< note a=1\n\nmore {{< ok >}}"),
        vec![(
            2,
            3,
            "shortcode `note` is not closed: expected `>}}`".to_owned()
        )]
    );
    assert_eq!(
        errors("é {{% n")[0],
        (
            1,
            3,
            "shortcode `n` is not closed: expected `%}}`".to_owned()
        )
    );
    assert_eq!(
        errors("\n{{</* n x */>}")[0],
        (
            2,
            1,
            "shortcode `n` is not closed: expected `*/>}}`".to_owned()
        )
    );
}

#[test]
fn unexpected_closing_error() {
    assert_eq!(
        errors("a\nb {{< /note >}}"),
        vec![(
            2,
            3,
            "closing `{{< /note >}}` has no opening `{{< note >}}`".to_owned()
        )]
    );
}

#[test]
fn crossed_pairs_name_both_tags() {
    assert_eq!(
        errors("{{< a >}}\n {{< b >}}\n{{< /a >}}\n{{< /b >}}"),
        vec![(
            2,
            2,
            "`{{< b >}}` is still open when `{{< /a >}}` (line 3, column 1) closes the \
             shortcode around it; close `b` first"
                .to_owned()
        )]
    );
}

#[test]
fn mismatched_delimiters_error() {
    assert_eq!(
        errors("{{% n %}}x\n{{< /n >}}"),
        vec![(
            2,
            1,
            "closing `{{< /n >}}` does not match its opening `{{% n %}}` (line 1, column 1); \
             use the same delimiters for both"
                .to_owned()
        )]
    );
}

#[test]
fn bad_tag_errors() {
    assert_eq!(
        errors("a {{< >}} b"),
        vec![(1, 3, "expected a shortcode name after `{{<`".to_owned())]
    );
    assert_eq!(
        errors("{{< x >}}{{< /x y >}}")[0],
        (
            1,
            10,
            "closing tag `{{< /x >}}` takes no arguments".to_owned()
        )
    );
    assert_eq!(
        errors("{{% x %}}{{% /x >}}")[0],
        (1, 10, "closing tag `{{% /x` must end with `%}}`".to_owned())
    );
}

#[test]
fn bad_argument_errors() {
    let mixed = "shortcode `x`: named arguments (`key=value`) and positional arguments \
                 cannot be mixed in one call";
    assert_eq!(errors("{{< x a=1 b >}}"), vec![(1, 1, mixed.to_owned())]);
    assert_eq!(
        errors("\n\n  {{< x b a=1 >}}"),
        vec![(3, 3, mixed.to_owned())]
    );
    assert_eq!(
        errors("{{< x a=\"open >}} then {{< y >}}"),
        vec![(
            1,
            1,
            "shortcode `x`: string is not closed: missing `\"`".to_owned()
        )]
    );
    assert_eq!(
        errors("{{< x a='open >}}")[0].2,
        "shortcode `x`: string is not closed: missing `'`"
    );
    assert_eq!(
        errors("{{< x \"a\"=1 >}}")[0].2,
        "shortcode `x`: argument names are written without quotes: `a=`"
    );
    assert_eq!(
        errors("{{< x a= >}}")[0].2,
        "shortcode `x`: argument `a` has no value after `=`"
    );
    assert_eq!(
        errors("{{< x a=1 a=2 >}}")[0].2,
        "shortcode `x`: argument `a` is given twice"
    );
    assert_eq!(
        errors("{{< x a %}}")[0].2,
        "shortcode `x`: opened with `{{<` but ends with `%}}`; end it with `>}}`"
    );
}

#[test]
fn broken_tag_still_pairs() {
    // The bad opener keeps its closing tag, so no second error about `/x`.
    assert_eq!(errors("{{< x a b=1 >}}in{{< /x >}}").len(), 1);
}

#[test]
fn render_errors_are_wrapped() {
    let errs = expand("\n  {{< nope >}}", &mut |c: &Call| {
        Err(format!("no template `shortcodes/{}.html`", c.name))
    })
    .unwrap_err();
    assert_eq!(
        errs,
        vec![ShortcodeError::Render {
            name: "nope".into(),
            message: "no template `shortcodes/nope.html`".into(),
            line: 2,
            col: 3,
        }]
    );
    assert_eq!(
        errs[0].to_string(),
        "shortcode `nope`: no template `shortcodes/nope.html`"
    );
}

#[test]
fn all_errors_are_collected_in_order() {
    let src = "{{< /a >}}\n{{< b 1 c=2 >}}\n{{< ok >}}\n{{< d";
    let got: Vec<(usize, usize)> = errors(src).iter().map(|e| (e.0, e.1)).collect();
    assert_eq!(got, vec![(1, 1), (2, 1), (4, 1)]);
}

#[test]
fn restore_block_and_inline() {
    let html = vec!["<div>A</div>".to_owned(), "<b>B</b>".to_owned()];
    let page = format!(
        "<p>{}</p>\n<p>see {}!</p>\n",
        placeholder(0),
        placeholder(1)
    );
    assert_eq!(
        restore(&page, &html),
        "<div>A</div>\n<p>see <b>B</b>!</p>\n"
    );
    let glued = format!("<li>ab{}cd</li>", placeholder(1));
    assert_eq!(restore(&glued, &html), "<li>ab<b>B</b>cd</li>");
    let twice = format!("<p>{}{}</p>", placeholder(1), placeholder(0));
    assert_eq!(restore(&twice, &html), "<p><b>B</b><div>A</div></p>");
}

#[test]
fn restore_leaves_other_text_alone() {
    let html = vec!["X".to_owned()];
    assert_eq!(
        restore("tbsc tbsc0x tbsc000009x tbscx", &html),
        "tbsc tbsc0x tbsc000009x tbscx"
    );
    assert_eq!(restore("<p>tbsc000000x</p>", &[]), "<p>tbsc000000x</p>");
    assert_eq!(placeholder(3), "tbsc000003x");
    assert_eq!(placeholder(1234567), "tbsc1234567x");
    let big: Vec<String> = (0..1_234_568).map(|_| String::new()).collect();
    assert_eq!(restore(&format!("a{}b", placeholder(1234567)), &big), "ab");
}

#[test]
fn expand_then_restore_round_trip() {
    let src = "{{< h >}}\n\ntext {{< h >}} {{% m %}}\n";
    let e = expand(src, &mut |c: &Call| {
        Ok(if c.markdown {
            "*m*".into()
        } else {
            "<hr>".into()
        })
    })
    .unwrap();
    // Stand-in for the Markdown stage: wrap each paragraph in <p>.
    let rendered: String = e
        .markdown
        .split("\n\n")
        .map(|p| format!("<p>{}</p>\n", p.trim_end()))
        .collect();
    assert_eq!(restore(&rendered, &e.html), "<hr>\n<p>text <hr> *m*</p>\n");
}
