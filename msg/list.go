package msg

// List joins sentences into one, in the catalog's words for "a, b and c".
// Empty lists say nothing (a zero Text).
func List(parts ...Text) Text { return join(ListPair, ListMore, parts) }

// ListOr joins alternatives: "a, b or c".
func ListOr(parts ...Text) Text { return join(ListOrPair, ListMore, parts) }

// And says people who all did something: "@bob, @carol and @dave". Nobody
// is "nobody eligible".
func And(names ...string) Text { return people(ListPair, names) }

// Or says people any one of whom may act: "@bob, @carol or @dave".
func Or(names ...string) Text { return people(ListOrPair, names) }

// Lines puts texts one a line, each rendered in the reader's language.
func Lines(parts ...Text) Text { return join(ListLines, ListLines, parts) }

// people joins names with the catalog's separator and final conjunction,
// so the words come from the reader's language.
func people(pair ID, names []string) Text {
	if len(names) == 0 {
		return T(WordNobody)
	}
	parts := make([]Text, len(names))
	for i, n := range names {
		parts[i] = T(ListOne, "a", n)
	}
	return join(pair, ListMore, parts)
}

// join says parts as one Text: the last two by pair ("{a} and {b}"), each
// before them by more ("{a}, {rest}"), so both the separator and the
// conjunction are the catalog's. With pair == more, every part is joined
// by more (lines have no final conjunction).
func join(pair, more ID, parts []Text) Text {
	switch {
	case len(parts) == 0:
		return Text{}
	case len(parts) == 1:
		return parts[0]
	case len(parts) == 2 && pair != more:
		return T(pair, "a", parts[0], "b", parts[1])
	}
	return T(more, "a", parts[0], "rest", join(pair, more, parts[1:]))
}
