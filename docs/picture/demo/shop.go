// Package shop is the small module the README's picture of a comment is measured on: make.sh
// commits it as the base, then a head that does a fifth more work in Total and allocates twice
// in Tags.
package shop

import (
	"slices"
	"strings"
)

// passes is how many times Total walks the cart (head: 6).
const passes = 5

// Total sums the prices of a cart, walking it passes times.
func Total(prices []int) int {
	sum := 0
	for range passes {
		for _, p := range prices {
			sum += p % 97
		}
	}
	return sum
}

// tagCopies is how many slices Tags allocates (head: 2).
const tagCopies = 1

// Tags splits a tag list and sorts it.
func Tags(list string) []string {
	var tags []string
	for range tagCopies {
		tags = strings.Split(list, ",")
	}
	slices.Sort(tags)
	return tags
}

// Index maps each name to its position.
func Index(names []string) map[string]int {
	m := make(map[string]int, len(names))
	for i, n := range names {
		m[n] = i
	}
	return m
}
