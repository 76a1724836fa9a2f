{{/* Names, labels and the pieces every Guanxi pod shares. */}}

{{- define "guanxi.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "guanxi.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "guanxi.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "guanxi.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "guanxi.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "guanxi.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: include "guanxi.selectorLabels" (dict "root" . "component" "web") */}}
{{- define "guanxi.selectorLabels" -}}
app.kubernetes.io/name: {{ include "guanxi.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "guanxi.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "guanxi.configName" -}}
{{- printf "%s-config" (include "guanxi.fullname" .) -}}
{{- end -}}

{{- define "guanxi.secretName" -}}
{{- default (printf "%s-secrets" (include "guanxi.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "guanxi.publicUrl" -}}
{{- default (printf "https://%s" .Values.baseDomain) .Values.publicUrl -}}
{{- end -}}

{{- define "guanxi.allowedHosts" -}}
{{- default (printf ".%s,%s" .Values.baseDomain .Values.baseDomain) .Values.allowedHosts -}}
{{- end -}}

{{/* Environment of every Guanxi container: the ConfigMap and the Secret. */}}
{{- define "guanxi.envFrom" -}}
- configMapRef:
    name: {{ include "guanxi.configName" . }}
- secretRef:
    name: {{ include "guanxi.secretName" . }}
{{- end -}}

{{/* Restart pods when the configuration or the chart-made Secret changes. */}}
{{- define "guanxi.checksums" -}}
checksum/config: {{ include (print .Template.BasePath "/config.yaml") . | sha256sum }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end -}}

{{- define "guanxi.dataVolumeMount" -}}
- name: data
  mountPath: {{ .Values.dataDir }}
{{- end -}}

{{- define "guanxi.dataVolume" -}}
- name: data
  emptyDir: {}
{{- end -}}
