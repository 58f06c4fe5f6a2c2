package msg_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/msg"
)

const msgImport = "releasebot/msg"

// declared reads package msg's own source: the ID constants (name -> value)
// and every other exported name (types, funcs, vars, other constants).
func declared(t *testing.T) (ids map[string]msg.ID, others map[string]bool) {
	t.Helper()
	ids, others = map[string]msg.ID{}, map[string]bool{}
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	require.Contains(t, files, "english.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					others[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						others[s.Name.Name] = true
					case *ast.ValueSpec:
						typ, _ := s.Type.(*ast.Ident)
						for i, n := range s.Names {
							if d.Tok != token.CONST || typ == nil || typ.Name != "ID" {
								others[n.Name] = true
								continue
							}
							require.Less(t, i, len(s.Values), "%s: an ID needs an explicit value", n.Name)
							lit, ok := s.Values[i].(*ast.BasicLit)
							require.True(t, ok && lit.Kind == token.STRING, "%s: an ID's value must be a string literal", n.Name)
							v, err := strconv.Unquote(lit.Value)
							require.NoError(t, err)
							ids[n.Name] = msg.ID(v)
						}
					}
				}
			}
		}
	}
	return ids, others
}

// TestEveryIDHasEnglish: each constant of type ID has a non-empty English
// template, no two constants share a value, and the catalog holds nothing
// that no constant names.
func TestEveryIDHasEnglish(t *testing.T) {
	ids, _ := declared(t)
	require.NotEmpty(t, ids)
	byValue := map[msg.ID]string{}
	for name, id := range ids {
		t.Run(name, func(t *testing.T) {
			require.NotEmpty(t, id, "empty id")
			if other, dup := byValue[id]; dup {
				t.Fatalf("%s and %s are both %q", name, other, id)
			}
			byValue[id] = name
			require.NotEmpty(t, strings.TrimSpace(msg.English[id]), "no English for %s (%q)", name, id)
		})
	}
	for id := range msg.English {
		_, ok := byValue[id]
		require.True(t, ok, "English has %q, which no constant names", id)
	}
}

// moduleRoot walks up from the package directory to go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod above the msg package")
		dir = parent
	}
}

// use is one reference to package msg from another package's source.
type use struct {
	pos  token.Position
	name string
	call *ast.CallExpr // set when the reference is the id of a msg.T call
}

var (
	moduleUsesOnce sync.Once
	moduleUses     []use
)

// uses returns the references to package msg in the module, parsed once.
func uses(t *testing.T) []use {
	t.Helper()
	moduleUsesOnce.Do(func() { moduleUses = scan(t, moduleRoot(t)) })
	require.NotEmpty(t, moduleUses, "found no uses of package msg; is the module root right?")
	return moduleUses
}

// scan parses every non-test Go file under root and returns the references
// to package msg's exported names, with the msg.T calls they are the id of.
func scan(t *testing.T, root string) []use {
	t.Helper()
	fset := token.NewFileSet()
	var out []use
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		local := ""
		for _, im := range f.Imports {
			if p, _ := strconv.Unquote(im.Path.Value); p == msgImport {
				local = "msg"
				if im.Name != nil {
					local = im.Name.Name
				}
			}
		}
		if local == "" || local == "_" {
			return nil
		}
		isMsg := func(e ast.Expr) (string, bool) {
			sel, ok := e.(*ast.SelectorExpr)
			if !ok {
				return "", false
			}
			x, ok := sel.X.(*ast.Ident)
			// Obj is nil for a package name; a local variable called msg has one.
			if !ok || x.Name != local || x.Obj != nil {
				return "", false
			}
			return sel.Sel.Name, true
		}
		calls := map[*ast.SelectorExpr]*ast.CallExpr{}
		ast.Inspect(f, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok && len(c.Args) > 0 {
				if name, ok := isMsg(c.Fun); ok && name == "T" {
					if sel, ok := c.Args[0].(*ast.SelectorExpr); ok {
						calls[sel] = c
					}
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if name, ok := isMsg(sel); ok {
				out = append(out, use{pos: fset.Position(sel.Pos()), name: name, call: calls[sel]})
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
	return out
}

// TestEveryUsedIDExists: every msg.Name the module's code refers to exists
// in package msg, and every one that is not a type, func or var is an ID
// with an English template.
func TestEveryUsedIDExists(t *testing.T) {
	ids, others := declared(t)
	require.Empty(t, missingIDs(ids, others, uses(t)), "references to message ids that do not exist")
}

func missingIDs(ids map[string]msg.ID, others map[string]bool, found []use) []string {
	var missing []string
	for _, u := range found {
		if others[u.name] {
			continue
		}
		id, ok := ids[u.name]
		if !ok {
			missing = append(missing, u.pos.String()+": msg."+u.name)
			continue
		}
		if msg.English[id] == "" {
			missing = append(missing, u.pos.String()+": msg."+u.name+" has no English template")
		}
	}
	return missing
}

// TestEveryTCallFillsItsTemplate: for msg.T(msg.X, "name", value, ...) with
// literal names, every placeholder of X's English template is given and the
// names come in pairs. An unfilled placeholder would reach a person as
// "{name}".
func TestEveryTCallFillsItsTemplate(t *testing.T) {
	ids, _ := declared(t)
	problems, checked := unfilled(ids, uses(t))
	require.Positive(t, checked)
	require.Empty(t, problems)
}

func unfilled(ids map[string]msg.ID, found []use) (problems []string, checked int) {
	for _, u := range found {
		id, ok := ids[u.name]
		if u.call == nil || !ok {
			continue
		}
		kv := u.call.Args[1:]
		if u.call.Ellipsis.IsValid() {
			continue // msg.T(id, kv...): names not known here
		}
		checked++
		where := u.pos.String() + ": msg.T(msg." + u.name + ")"
		if len(kv)%2 != 0 {
			problems = append(problems, where+" has an odd number of name/value arguments")
		}
		var given []string
		literal := true
		for i := 0; i < len(kv); i += 2 {
			lit, ok := kv[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				literal = false
				break
			}
			name, _ := strconv.Unquote(lit.Value)
			given = append(given, name)
		}
		if !literal {
			continue
		}
		for _, p := range msg.Placeholders(msg.English[id]) {
			if !slices.Contains(given, p) {
				problems = append(problems, where+" leaves {"+p+"} unfilled")
			}
		}
	}
	return problems, checked
}

// TestCatalogCheckers runs the two module checks on a small made-up tree, so
// a checker that silently finds nothing cannot pass.
func TestCatalogCheckers(t *testing.T) {
	root := t.TempDir()
	write := func(name, src string) {
		p := filepath.Join(root, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	}
	write("go.mod", "module example\n")
	write("a/a.go", `package a

import "releasebot/msg"

func f(kv []string) {
	_ = msg.T(msg.ReplyActing, "person", "alice") // fine
	_ = msg.T(msg.ReplyUpdated, "csr", "CSR-1")   // leaves {ref}
	_ = msg.T(msg.ReplyNoCSRs, "csr")                           // odd
	_ = msg.T(msg.NoSuchMessage)                                // missing
	_ = msg.T(msg.NoteCancelled, kv...)                         // not checkable
	var _ msg.Text = msg.English.Render
}

func g() {
	msg := struct{ Bogus int }{}
	_ = msg.Bogus // a local variable, not the package
}
`)
	write("b/b.go", `package b

import m "releasebot/msg"

var _ = m.T(m.AlsoMissing)
`)
	write("c/c_test.go", `package c

import "releasebot/msg"

var _ = msg.TestOnlyIsIgnored
`)
	write(".hidden/h.go", `package h

import "releasebot/msg"

var _ = msg.HiddenIsIgnored
`)
	ids, others := declared(t)
	found := scan(t, root)
	missing := missingIDs(ids, others, found)
	require.Len(t, missing, 2, "%q", missing)
	require.Contains(t, missing[0]+missing[1], "msg.NoSuchMessage")
	require.Contains(t, missing[0]+missing[1], "msg.AlsoMissing")

	problems, checked := unfilled(ids, found)
	require.Equal(t, 3, checked)
	require.Len(t, problems, 2, "%q", problems)
	require.Contains(t, problems[0], "leaves {ref} unfilled")
	require.Contains(t, problems[1], "odd number")
}
