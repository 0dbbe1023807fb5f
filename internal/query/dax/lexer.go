package dax

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pos is a 1-based line and column (in runes) in an expression.
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Error is a syntax or semantic error at a position of an expression.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return "at " + e.Pos.String() + ": " + e.Msg }

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokNumber
	tokString
	tokIdent  // SUM, Sales, TRUE, NOT, IN
	tokTable  // 'Store Name'
	tokColumn // [Amount]
	tokPunct  // ( ) , { } + - * / & = == <> < > <= >= && ||
)

type token struct {
	kind tokenKind
	text string // decoded text: string contents, names without quotes, punctuation
	pos  Pos
	// adj is true when the token follows the previous one with no space between (Sales[Amount]).
	adj bool
}

// lexer turns an expression into tokens. It works on runes so positions count characters.
type lexer struct {
	src  []rune
	i    int
	line int
	col  int
}

func lex(src string) ([]token, error) {
	if !utf8.ValidString(src) {
		return nil, &Error{Pos{1, 1}, "expression is not valid UTF-8"}
	}
	l := &lexer{src: []rune(src), line: 1, col: 1}
	var toks []token
	for {
		spaced, err := l.skipSpace()
		if err != nil {
			return nil, err
		}
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		t.adj = !spaced
		toks = append(toks, t)
		if t.kind == tokEOF {
			return toks, nil
		}
	}
}

func (l *lexer) peek(k int) rune {
	if l.i+k < len(l.src) {
		return l.src[l.i+k]
	}
	return 0
}

func (l *lexer) advance() rune {
	r := l.src[l.i]
	l.i++
	if r == '\n' {
		l.line++
		l.col = 1
	} else {
		l.col++
	}
	return r
}

func (l *lexer) pos() Pos { return Pos{l.line, l.col} }

// skipSpace skips blanks and comments (--, //, /* */) and reports whether it skipped anything.
func (l *lexer) skipSpace() (bool, error) {
	start := l.i
	for l.i < len(l.src) {
		r := l.peek(0)
		switch {
		case unicode.IsSpace(r):
			l.advance()
		case (r == '-' && l.peek(1) == '-') || (r == '/' && l.peek(1) == '/'):
			for l.i < len(l.src) && l.peek(0) != '\n' {
				l.advance()
			}
		case r == '/' && l.peek(1) == '*':
			p := l.pos()
			l.advance()
			l.advance()
			for {
				if l.i >= len(l.src) {
					return false, &Error{p, "unterminated comment"}
				}
				if l.peek(0) == '*' && l.peek(1) == '/' {
					l.advance()
					l.advance()
					break
				}
				l.advance()
			}
		default:
			return l.i > start, nil
		}
	}
	return l.i > start, nil
}

func (l *lexer) next() (token, error) {
	p := l.pos()
	if l.i >= len(l.src) {
		return token{kind: tokEOF, pos: p}, nil
	}
	r := l.peek(0)
	switch {
	case r == '"':
		s, err := l.quoted('"', "string")
		return token{kind: tokString, text: s, pos: p}, err
	case r == '\'':
		s, err := l.quoted('\'', "table name")
		return token{kind: tokTable, text: s, pos: p}, err
	case r == '[':
		s, err := l.quoted(']', "column or measure name")
		return token{kind: tokColumn, text: s, pos: p}, err
	case isDigit(r) || (r == '.' && isDigit(l.peek(1))):
		return l.number(p)
	case r == '_' || unicode.IsLetter(r):
		start := l.i
		for l.i < len(l.src) && (l.peek(0) == '_' || l.peek(0) == '.' || unicode.IsLetter(l.peek(0)) || unicode.IsDigit(l.peek(0))) {
			l.advance()
		}
		return token{kind: tokIdent, text: string(l.src[start:l.i]), pos: p}, nil
	}
	two := string([]rune{r, l.peek(1)})
	switch two {
	case "==", "<>", "<=", ">=", "&&", "||":
		l.advance()
		l.advance()
		return token{kind: tokPunct, text: two, pos: p}, nil
	}
	if strings.ContainsRune("(),{}+-*/&=<>", r) {
		l.advance()
		return token{kind: tokPunct, text: string(r), pos: p}, nil
	}
	return token{}, &Error{p, fmt.Sprintf("unexpected character %q", r)}
}

// quoted reads text up to the closing quote; a doubled closing quote escapes it.
func (l *lexer) quoted(closing rune, what string) (string, error) {
	p := l.pos()
	l.advance()
	var b strings.Builder
	for l.i < len(l.src) {
		r := l.advance()
		if r == closing {
			if l.peek(0) == closing && l.i < len(l.src) {
				l.advance()
				b.WriteRune(r)
				continue
			}
			return b.String(), nil
		}
		b.WriteRune(r)
	}
	return "", &Error{p, "unterminated " + what}
}

func (l *lexer) number(p Pos) (token, error) {
	start := l.i
	for l.i < len(l.src) && isDigit(l.peek(0)) {
		l.advance()
	}
	if l.peek(0) == '.' {
		l.advance()
		for l.i < len(l.src) && isDigit(l.peek(0)) {
			l.advance()
		}
	}
	if (l.peek(0) == 'e' || l.peek(0) == 'E') && (isDigit(l.peek(1)) || ((l.peek(1) == '+' || l.peek(1) == '-') && isDigit(l.peek(2)))) {
		l.advance()
		if l.peek(0) == '+' || l.peek(0) == '-' {
			l.advance()
		}
		for l.i < len(l.src) && isDigit(l.peek(0)) {
			l.advance()
		}
	}
	if r := l.peek(0); r == '_' || unicode.IsLetter(r) {
		return token{}, &Error{l.pos(), fmt.Sprintf("unexpected %q after number", r)}
	}
	return token{kind: tokNumber, text: string(l.src[start:l.i]), pos: p}, nil
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }
