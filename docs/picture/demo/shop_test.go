package shop

import (
	"fmt"
	"testing"
)

var prices = func() []int {
	p := make([]int, 4096)
	for i := range p {
		p[i] = i * 7919
	}
	return p
}()

func BenchmarkTotal(b *testing.B) {
	for b.Loop() {
		Total(prices)
	}
}

func BenchmarkTags(b *testing.B) {
	for b.Loop() {
		Tags("red,green,blue,cyan,magenta,yellow,black,white")
	}
}

func BenchmarkIndex(b *testing.B) {
	names := make([]string, 256)
	for i := range names {
		names[i] = fmt.Sprint("name", i)
	}
	for b.Loop() {
		Index(names)
	}
}
