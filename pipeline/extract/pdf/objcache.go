package pdf

import (
	"reflect"

	lpdf "github.com/ledongthuc/pdf"
)

// objectCache keeps the indirect objects a document's pages look up again
// and again (resource dictionaries, their /Font and /XObject
// dictionaries, fonts, images and forms), by object reference.
// ledongthuc/pdf caches nothing: each Value.Key on a reference parses the
// object again and, for an object inside an object stream, inflates that
// stream up to the object, so finding the same font on every page was a
// large part of extraction's work. Parsed objects are never modified, so
// one parse serves every later look-up of the same reference. A nil
// cache looks everything up afresh.
type objectCache struct {
	values map[objref]lpdf.Value
	// bytes is the estimated size of the cached values; the cache stops
	// growing at maxCachedObjectBytes (a hostile file's many huge
	// dictionaries stay the parser's transient garbage).
	bytes int
}

// objref is an indirect object's number and generation.
type objref struct {
	id  uint32
	gen uint16
}

// Bounds on one document's object cache: objects larger than
// maxCachedObjectSize (estimated) are not kept, and the cache stops
// taking objects at maxCachedObjects or maxCachedObjectBytes.
const (
	maxCachedObjects     = 8192
	maxCachedObjectSize  = 64 << 10
	maxCachedObjectBytes = 16 << 20
)

func newObjectCache() *objectCache {
	return &objectCache{values: map[objref]lpdf.Value{}}
}

// key is v.Key(name), served from the cache when the entry is a reference
// the cache holds.
func (c *objectCache) key(v lpdf.Value, name string) lpdf.Value {
	x, _, _ := c.keyRef(v, name)
	return x
}

// keyRef is key that also returns the reference the entry holds (isRef
// false when it holds a direct value or nothing).
func (c *objectCache) keyRef(v lpdf.Value, name string) (x lpdf.Value, ref objref, isRef bool) {
	ref, isRef = rawRef(v, name)
	if c == nil || !isRef {
		return v.Key(name), ref, isRef
	}
	if x, ok := c.values[ref]; ok {
		return x, ref, true
	}
	x = v.Key(name)
	c.keep(ref, x)
	return x, ref, true
}

func (c *objectCache) keep(ref objref, x lpdf.Value) {
	if len(c.values) >= maxCachedObjects || c.bytes >= maxCachedObjectBytes {
		return
	}
	size, ok := valueSize(x, maxCachedObjectSize)
	if !ok {
		return
	}
	c.values[ref] = x
	c.bytes += size
}

// The parts of lpdf.Value that its API does not show: the library
// resolves a reference as it returns a dictionary entry and does not say
// which object it was. Reflection reads them (never writes); if a
// version of the library lays them out differently, valueLayout is not
// ok and every look-up goes to the library, uncached.
var valueLayout = readValueLayout()

type layout struct {
	ok      bool
	data    int          // index of Value's dynamic value field
	refType reflect.Type // the library's object reference type
}

func readValueLayout() layout {
	t := reflect.TypeFor[lpdf.Value]()
	ptr, ok1 := t.FieldByName("ptr")
	data, ok2 := t.FieldByName("data")
	if !ok1 || !ok2 || data.Type.Kind() != reflect.Interface || ptr.Type.Kind() != reflect.Struct || ptr.Type.NumField() != 2 {
		return layout{}
	}
	if ptr.Type.Field(0).Type.Kind() != reflect.Uint32 || ptr.Type.Field(1).Type.Kind() != reflect.Uint16 {
		return layout{}
	}
	return layout{ok: true, data: data.Index[0], refType: ptr.Type}
}

// rawRef returns the reference stored under name in dictionary or stream
// v, without resolving it; false when the entry is absent or a direct
// value.
func rawRef(v lpdf.Value, name string) (objref, bool) {
	if !valueLayout.ok {
		return objref{}, false
	}
	m := dictOf(reflect.ValueOf(&v).Elem().Field(valueLayout.data))
	if !m.IsValid() || m.Type().Key().Kind() != reflect.String {
		return objref{}, false
	}
	e := m.MapIndex(reflect.ValueOf(name).Convert(m.Type().Key()))
	if !e.IsValid() {
		return objref{}, false
	}
	if e.Kind() == reflect.Interface {
		if e.IsNil() {
			return objref{}, false
		}
		e = e.Elem()
	}
	if e.Type() != valueLayout.refType {
		return objref{}, false
	}
	return objref{id: uint32(e.Field(0).Uint()), gen: uint16(e.Field(1).Uint())}, true
}

// dictOf returns the map of a dictionary, or of a stream's header, held
// in a Value's dynamic value field; the zero reflect.Value otherwise.
func dictOf(data reflect.Value) reflect.Value {
	if data.IsNil() {
		return reflect.Value{}
	}
	x := data.Elem()
	switch x.Kind() {
	case reflect.Map:
		return x
	case reflect.Struct:
		if h := x.FieldByName("hdr"); h.IsValid() && h.Kind() == reflect.Map {
			return h
		}
	}
	return reflect.Value{}
}

// valueSize estimates the memory a resolved value holds (its direct
// dictionaries, arrays and strings; references count as one word), giving
// up with false beyond limit.
func valueSize(v lpdf.Value, limit int) (int, bool) {
	if !valueLayout.ok {
		return 0, false
	}
	size := 0
	var walk func(x reflect.Value, depth int) bool
	walk = func(x reflect.Value, depth int) bool {
		size += 32
		if size > limit || depth > 32 {
			return false
		}
		if x.Kind() == reflect.Interface {
			if x.IsNil() {
				return true
			}
			x = x.Elem()
		}
		switch x.Kind() {
		case reflect.String:
			size += x.Len()
		case reflect.Map:
			size += 16 * x.Len()
			if size > limit {
				return false
			}
			it := x.MapRange()
			for it.Next() {
				size += it.Key().Len()
				if !walk(it.Value(), depth+1) {
					return false
				}
			}
		case reflect.Slice:
			for i := 0; i < x.Len(); i++ {
				if !walk(x.Index(i), depth+1) {
					return false
				}
			}
		case reflect.Struct: // a stream: its header counts
			if h := x.FieldByName("hdr"); h.IsValid() {
				return walk(h, depth+1)
			}
		}
		return size <= limit
	}
	if !walk(reflect.ValueOf(&v).Elem().Field(valueLayout.data), 0) {
		return 0, false
	}
	return size, true
}
