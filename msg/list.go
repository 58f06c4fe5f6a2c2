package msg

// List joins sentences into one, in the catalog's words for "a, b and c".
// Empty lists say nothing (a zero Text).
func List(parts ...Text) Text {
	switch len(parts) {
	case 0:
		return Text{}
	case 1:
		return parts[0]
	case 2:
		return T(ListPair, "a", parts[0], "b", parts[1])
	}
	return T(ListMore, "a", parts[0], "rest", List(parts[1:]...))
}

// ListOr joins alternatives: "a, b or c".
func ListOr(parts ...Text) Text {
	switch len(parts) {
	case 0:
		return Text{}
	case 1:
		return parts[0]
	case 2:
		return T(ListOrPair, "a", parts[0], "b", parts[1])
	}
	return T(ListMore, "a", parts[0], "rest", ListOr(parts[1:]...))
}
