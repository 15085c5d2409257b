//! A tiny template language, small enough to read in one sitting and busy enough to benchmark.
//!
//! A template is text with placeholders: `{{ name }}` inserts a variable, `{{ name | upper }}`
//! passes it through filters (`upper`, `lower`, `trim`), and `{{ name ?? "none" }}` gives a
//! default for a variable the context lacks. Names may contain dots (`{{ user.email }}`); the
//! context is a flat map from such names to values.
//!
//! ```
//! use std::collections::HashMap;
//!
//! let template = tinytmpl::parse("Hello, {{ name | upper }}{{ suffix ?? \"!\" }}").unwrap();
//! let mut context = HashMap::new();
//! context.insert("name".to_string(), "world".to_string());
//! assert_eq!(template.render(&context).unwrap(), "Hello, WORLD!");
//! ```

use std::collections::HashMap;
use std::error::Error;
use std::fmt;

/// The variables a template is rendered against.
pub type Context = HashMap<String, String>;

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Text(String),
    Expr(Expr),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Expr {
    name: String,
    filters: Vec<Filter>,
    default: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Upper,
    Lower,
    Trim,
}

impl Filter {
    fn apply(self, value: &str) -> String {
        match self {
            Filter::Upper => value.to_uppercase(),
            Filter::Lower => value.to_lowercase(),
            Filter::Trim => value.trim().to_string(),
        }
    }
}

/// Why a template does not parse: what was expected, at which byte of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

impl Error for ParseError {}

/// A variable the context lacks, in a placeholder without a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    pub name: String,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "undefined variable {:?}", self.name)
    }
}

impl Error for RenderError {}

/// Parses a template.
pub fn parse(source: &str) -> Result<Template, ParseError> {
    Parser::new(source).template()
}

impl Template {
    /// Renders the template against a context.
    pub fn render(&self, context: &Context) -> Result<String, RenderError> {
        let mut out = String::new();
        for node in &self.nodes {
            match node {
                Node::Text(text) => out.push_str(text),
                Node::Expr(expr) => {
                    let value = match (context.get(&expr.name), &expr.default) {
                        (Some(value), _) => value.as_str(),
                        (None, Some(default)) => default.as_str(),
                        (None, None) => {
                            return Err(RenderError {
                                name: expr.name.clone(),
                            })
                        }
                    };
                    match expr.filters.split_first() {
                        None => out.push_str(value),
                        Some((first, rest)) => {
                            let filtered = rest
                                .iter()
                                .fold(first.apply(value), |value, filter| filter.apply(&value));
                            out.push_str(&filtered);
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// The names of the variables the template uses, in order, with repeats.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().filter_map(|node| match node {
            Node::Expr(expr) => Some(expr.name.as_str()),
            Node::Text(_) => None,
        })
    }
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser { src, pos: 0 }
    }

    fn template(mut self) -> Result<Template, ParseError> {
        let mut nodes = Vec::new();
        while self.pos < self.src.len() {
            let rest = &self.src[self.pos..];
            match rest.find("{{") {
                Some(0) => {
                    self.pos += 2;
                    nodes.push(Node::Expr(self.expr()?));
                }
                Some(start) => {
                    nodes.push(Node::Text(rest[..start].to_string()));
                    self.pos += start;
                }
                None => {
                    nodes.push(Node::Text(rest.to_string()));
                    self.pos = self.src.len();
                }
            }
        }
        Ok(Template { nodes })
    }

    // After "{{": name, then "| filter"s, then optionally ?? "default", then "}}".
    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.skip_space();
        let name = self.ident("a variable name")?.to_string();
        let mut filters = Vec::new();
        let mut default = None;
        loop {
            self.skip_space();
            if self.eat("}}") {
                return Ok(Expr {
                    name,
                    filters,
                    default,
                });
            }
            if default.is_none() && self.eat("|") {
                self.skip_space();
                let start = self.pos;
                filters.push(match self.ident("a filter name")? {
                    "upper" => Filter::Upper,
                    "lower" => Filter::Lower,
                    "trim" => Filter::Trim,
                    other => return Err(self.error_at(start, format!("unknown filter {other:?}"))),
                });
            } else if default.is_none() && self.eat("??") {
                self.skip_space();
                default = Some(self.string()?);
            } else if default.is_none() {
                return Err(self.error("expected \"|\", \"??\" or \"}}\""));
            } else {
                return Err(self.error("expected \"}}\" after the default"));
            }
        }
    }

    fn ident(&mut self, what: &str) -> Result<&'a str, ParseError> {
        let bytes = self.src.as_bytes();
        let start = self.pos;
        if !matches!(bytes.get(start), Some(b) if b.is_ascii_alphabetic() || *b == b'_') {
            return Err(self.error(&format!("expected {what}")));
        }
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
            .count();
        self.pos += len;
        Ok(&self.src[start..self.pos])
    }

    // A double-quoted string; \" and \\ are its escapes.
    fn string(&mut self) -> Result<String, ParseError> {
        let start = self.pos;
        if !self.eat("\"") {
            return Err(self.error("expected a quoted default"));
        }
        let mut value = String::new();
        let mut chars = self.src[self.pos..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return Ok(value);
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => value.push(e),
                    _ => return Err(self.error_at(self.pos + i, "unknown escape".to_string())),
                },
                c => value.push(c),
            }
        }
        Err(self.error_at(start, "unterminated string".to_string()))
    }

    fn skip_space(&mut self) {
        let rest = &self.src[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, token: &str) -> bool {
        let found = self.src[self.pos..].starts_with(token);
        if found {
            self.pos += token.len();
        }
        found
    }

    fn error(&self, message: &str) -> ParseError {
        self.error_at(self.pos, message.to_string())
    }

    fn error_at(&self, offset: usize, message: String) -> ParseError {
        ParseError { offset, message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(pairs: &[(&str, &str)]) -> Context {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn renders_text_variables_filters_and_defaults() {
        let template =
            parse("Dear {{user.name|upper}}, {{ greeting | trim | lower }}{{ end ?? \"!\" }}")
                .unwrap();
        let ctx = context(&[("user.name", "Ada"), ("greeting", "  WELCOME ")]);
        assert_eq!(template.render(&ctx).unwrap(), "Dear ADA, welcome!");
        assert_eq!(
            template.variables().collect::<Vec<_>>(),
            ["user.name", "greeting", "end"]
        );
    }

    #[test]
    fn text_only_and_empty_templates() {
        assert_eq!(parse("").unwrap().render(&Context::new()).unwrap(), "");
        assert_eq!(
            parse("no placeholders } {")
                .unwrap()
                .render(&Context::new())
                .unwrap(),
            "no placeholders } {"
        );
    }

    #[test]
    fn defaults_with_escapes() {
        let template = parse(r#"{{ quote ?? "say \"hi\" \\ bye" }}"#).unwrap();
        assert_eq!(
            template.render(&Context::new()).unwrap(),
            r#"say "hi" \ bye"#
        );
    }

    #[test]
    fn undefined_variable() {
        let err = parse("{{ missing }}")
            .unwrap()
            .render(&Context::new())
            .unwrap_err();
        assert_eq!(err.name, "missing");
    }

    #[test]
    fn parse_errors_point_at_the_problem() {
        for (source, offset) in [
            ("{{ }}", 3),
            ("{{ name | shout }}", 10),
            ("{{ name ?? 'x' }}", 11),
            ("{{ name ?? \"x\" | upper }}", 15),
            ("{{ name ?? \"x }}", 11),
            ("{{ name", 7),
        ] {
            let err = parse(source).unwrap_err();
            assert_eq!(err.offset, offset, "{source}: {err}");
        }
    }
}
