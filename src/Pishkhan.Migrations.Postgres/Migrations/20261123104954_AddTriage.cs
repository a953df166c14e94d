using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pishkhan.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddTriage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "PriorityOverridden",
                table: "Cases",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "CategorisationRules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    Conditions = table.Column<string>(type: "text", nullable: false),
                    SetCategoryId = table.Column<Guid>(type: "uuid", nullable: true),
                    SetProduct = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    AddTags = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CategorisationRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CategorisationRules_Categories_SetCategoryId",
                        column: x => x.SetCategoryId,
                        principalTable: "Categories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ClassifierModels",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TrainedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Model = table.Column<byte[]>(type: "bytea", nullable: false),
                    TrainingCases = table.Column<int>(type: "integer", nullable: false),
                    HeldOutCases = table.Column<int>(type: "integer", nullable: false),
                    Accuracy = table.Column<double>(type: "double precision", nullable: false),
                    CategoriesJson = table.Column<string>(type: "text", nullable: false),
                    TrainedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClassifierModels", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TriageSettings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PriorityMatrixJson = table.Column<string>(type: "text", nullable: false),
                    ClassifierThreshold = table.Column<double>(type: "double precision", nullable: false),
                    ClassifierApplies = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TriageSettings", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CategorisationRules_Position",
                table: "CategorisationRules",
                column: "Position");

            migrationBuilder.CreateIndex(
                name: "IX_CategorisationRules_SetCategoryId",
                table: "CategorisationRules",
                column: "SetCategoryId");

            migrationBuilder.CreateIndex(
                name: "IX_ClassifierModels_TrainedAt",
                table: "ClassifierModels",
                column: "TrainedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CategorisationRules");

            migrationBuilder.DropTable(
                name: "ClassifierModels");

            migrationBuilder.DropTable(
                name: "TriageSettings");

            migrationBuilder.DropColumn(
                name: "PriorityOverridden",
                table: "Cases");
        }
    }
}
