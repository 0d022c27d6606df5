{{/* The labels every object carries and selects by. */}}
{{- define "portainer-mcp.labels" -}}
app.kubernetes.io/name: {{ .Release.Name }}
{{- end }}

{{/* The Secret the pods read: the release's own or an existing one. */}}
{{- define "portainer-mcp.secret" -}}
{{ .Values.secret.existingSecret | default .Release.Name }}
{{- end }}
