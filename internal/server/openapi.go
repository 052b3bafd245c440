package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// OpenAPI is the OpenAPI 3.1 description of the API, made from the
// route table, so that it names every route and no other.
func OpenAPI() []byte {
	problem := map[string]any{"description": "problem details (RFC 9457)", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		pattern := strings.Replace(rt.Pattern, "/*", "/{path}", 1)
		op := map[string]any{
			"summary":        rt.Summary,
			"operationId":    operationID(rt),
			"security":       []any{map[string]any{"bearer": []string{}}},
			"x-mdcheck-role": string(rt.Role),
			"responses": map[string]any{
				strconv.Itoa(rt.Status): map[string]any{"description": http.StatusText(rt.Status)},
				"401":                   problem, "403": problem, "404": problem, "429": problem,
			},
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if strings.HasSuffix(rt.Summary, "(cursor pagination: limit, cursor)") {
			params = append(params,
				map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 500, "default": 50}},
				map[string]any{"name": "cursor", "in": "query", "description": "the next value of the previous page", "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Body != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{rt.Body: map[string]any{"schema": map[string]any{"type": "string", "maxLength": rt.MaxBody}}}}
			op["responses"].(map[string]any)["413"] = problem
			op["responses"].(map[string]any)["415"] = problem
			op["responses"].(map[string]any)["422"] = problem
		}
		if paths[pattern] == nil {
			paths[pattern] = map[string]any{}
		}
		paths[pattern][strings.ToLower(rt.Method)] = op
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "mdcheck fleet API", "version": "1"},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "an API token from mdcheck token create"}},
			"schemas": map[string]any{"Problem": map[string]any{"type": "object", "properties": map[string]any{
				"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"}, "status": map[string]any{"type": "integer"},
				"detail": map[string]any{"type": "string"}, "instance": map[string]any{"type": "string"}}}},
		},
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n')
}

// operationID names a route: its method and the path's words.
func operationID(rt route) string {
	id := strings.ToLower(rt.Method)
	for _, part := range strings.Split(strings.TrimPrefix(strings.Replace(rt.Pattern, "/*", "/{path}", 1), "/api/v1/"), "/") {
		if m := pathParam.FindStringSubmatch(part); m != nil {
			id += "By" + strings.ToUpper(m[1][:1]) + m[1][1:]
			continue
		}
		id += strings.ToUpper(part[:1]) + part[1:]
	}
	return id
}
